import { execFile, spawn } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { AppError, type ImageFormat, type ImageInfo } from '@quantix/shared';
import { tied } from '../../runtime/tied.ts';
import { checkImage } from './image-check.ts';

/**
 * qemu-img on files that may come from anyone. Like OpenStack (CVE-2015-5162) `qemu-img info`
 * runs under prlimit — 1 GiB of address space, 30 s of CPU — so a crafted header cannot make it
 * eat the host. Paths are absolute: qemu-img reads `nbd:…` or `json:…` before the first "/" as a
 * protocol, and an absolute path has "/" first.
 */
const INFO_LIMITS = ['--as=1073741824', '--cpu=30'];
const INFO_TIMEOUT_MS = 60_000;

function assertAbsolute(path: string): void {
  if (!isAbsolute(path)) throw new AppError('INTERNAL', `not an absolute path: ${path}`);
}

/**
 * `qemu-img info --output=json` of one file, its format probed (never taken from the name) unless
 * the caller knows it (`format`: a VM's disk read as the VM reads it); no backing chain is opened.
 */
export async function qemuImgInfo(path: string, format?: ImageFormat): Promise<unknown> {
  assertAbsolute(path);
  const f = format ? ['-f', format] : [];
  const out = await new Promise<string>((resolve, reject) => {
    execFile(
      'prlimit',
      [...INFO_LIMITS, '--', 'qemu-img', 'info', ...f, '--output=json', path],
      { timeout: INFO_TIMEOUT_MS, maxBuffer: 1 << 20, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          const why = stderr.trim().split('\n').pop() || err.message;
          reject(new AppError('IMAGE_REFUSED', `qemu-img cannot read the file: ${why}`, { cause: err }));
        } else resolve(stdout);
      },
    );
  });
  try {
    return JSON.parse(out) as unknown;
  } catch (err) {
    throw new AppError('IMAGE_REFUSED', 'qemu-img gave no JSON for the file', { cause: err });
  }
}

/** Inspects a file and returns its checked description, or throws IMAGE_REFUSED (see checkImage). */
export async function inspectImage(path: string, expect: 'iso' | 'disk' = 'disk'): Promise<ImageInfo> {
  return checkImage(await qemuImgInfo(path), expect);
}

/**
 * Copies `src` (of the format inspectImage found) into `dst`, an existing volume libvirt made
 * (`-n`: qemu-img does not create it), converting to `dstFormat`; sparse, with progress in
 * percent. The source's format is given (`-f`), never probed again.
 */
export function convertImage(opts: {
  src: string;
  srcFormat: ImageFormat;
  dst: string;
  dstFormat: ImageFormat;
  onProgress?: (percent: number) => void;
}): Promise<void> {
  assertAbsolute(opts.src);
  assertAbsolute(opts.dst);
  return new Promise((resolve, reject) => {
    // tied: a host killed with kill -9 takes its copy with it (the next start deletes the half-made volume)
    const child = spawn(
      ...tied('qemu-img', [
        'convert',
        '-p',
        '-n',
        '-f',
        opts.srcFormat,
        '-O',
        opts.dstFormat,
        opts.src,
        opts.dst,
      ]),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let last = -1;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      // "    (12.34/100%)\r" — report whole percents only
      for (const m of chunk.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)) {
        const p = Math.floor(Number(m[1]));
        if (p !== last) {
          last = p;
          opts.onProgress?.(p);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      if (stderr.length < 4096) stderr += c;
    });
    child.on('error', (err) =>
      reject(new AppError('INTERNAL', `cannot run qemu-img: ${err.message}`, { cause: err })),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(new AppError('LIBVIRT_ERROR', `qemu-img convert failed: ${stderr.trim() || `exit ${code}`}`));
    });
  });
}
