import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FileType } from '@quantix/shared';

/**
 * What kind of file a pool entry is.
 *
 * Cost on a pool with thousands of files: the extension decides whenever it names a disk format
 * (`.iso`, `.vmdk`, …) or an ordinary file (`.txt`, `.xz`, …) — no I/O at all. Only files
 * with an ambiguous (`.img`, `.qcow2`, `.raw`) or unknown extension are sniffed, with at most three small positioned
 * reads (512 bytes at 0, 5 at 0x8001 for ISO 9660/UDF, 8 at the end for a fixed VHD footer) — never
 * a 34 KB read — and the browser sniffs only the entries of the page it returns.
 */

const BY_EXTENSION: Record<string, FileType> = {
  '.iso': 'iso',
  '.qcow': 'qcow2',
  '.vmdk': 'vmdk',
  '.vdi': 'vdi',
  '.vhd': 'vhd',
  '.vhdx': 'vhd',
};

/** Extensions that are certainly not a bare disk image: typed 'file' without opening them. */
const PLAIN = new Set(
  'txt md log xml json yaml yml toml ini conf cfg sh py sig asc gpg sha1 sha256 sha512 md5 sum gz xz zst bz2 tar tgz zip 7z'
    .split(' ')
    .map((e) => `.${e}`),
);

/**
 * `.img` is raw as often as it is qcow2 (cloud images), so it is sniffed and falls back to raw; so are
 * `.qcow2` and `.raw`, which uploads keep under their names whatever qemu-img found in them (a raw
 * image named `.qcow2` is listed as raw).
 */
const SNIFF_FALLBACK: Record<string, FileType> = { '.img': 'raw', '.qcow2': 'raw', '.raw': 'raw' };

export type TypeGuess = { type: FileType } | { sniff: true; fallback: FileType };

export function typeFromName(name: string): TypeGuess {
  const ext = extname(name).toLowerCase();
  const known = BY_EXTENSION[ext];
  if (known) return { type: known };
  if (PLAIN.has(ext)) return { type: 'file' };
  return { sniff: true, fallback: SNIFF_FALLBACK[ext] ?? 'file' };
}

export const ISO_MARK_OFFSET = 0x8001;
const HEAD_BYTES = 512;
const VDI_SIGNATURE_OFFSET = 0x40;

function at(buf: Buffer, offset: number, text: string): boolean {
  return buf.length >= offset + text.length && buf.toString('latin1', offset, offset + text.length) === text;
}

/**
 * The format named by a file's magic bytes, or null. `head` is the first bytes of the file, `isoMark`
 * the 5 bytes at 0x8001, `tail` the first 8 bytes of the last 512-byte sector.
 */
export function typeFromMagic(head: Buffer, isoMark?: Buffer, tail?: Buffer): FileType | null {
  if (at(head, 0, 'QFI\xfb')) return 'qcow2';
  if (at(head, 0, 'KDMV') || at(head, 0, '# Disk DescriptorFile')) return 'vmdk';
  if (at(head, 0, 'vhdxfile') || at(head, 0, 'conectix')) return 'vhd';
  if (head.length >= VDI_SIGNATURE_OFFSET + 4 && head.readUInt32LE(VDI_SIGNATURE_OFFSET) === 0xbeda107f) {
    return 'vdi';
  }
  // ISO 9660 primary volume descriptor, or the UDF "beginning extended area" descriptor.
  if (isoMark && (at(isoMark, 0, 'CD001') || at(isoMark, 0, 'BEA01'))) return 'iso';
  if (tail && at(tail, 0, 'conectix')) return 'vhd';
  return null;
}

/** Reads the few bytes `typeFromMagic` needs from a regular file; never follows a symlink. */
export async function sniffType(file: string, fallback: FileType): Promise<FileType> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return fallback;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return fallback;
    const read = async (length: number, position: number): Promise<Buffer> => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, position);
      return buf.subarray(0, bytesRead);
    };
    const head = await read(Math.min(HEAD_BYTES, st.size), 0);
    const isoMark = st.size >= ISO_MARK_OFFSET + 5 ? await read(5, ISO_MARK_OFFSET) : undefined;
    const tail = st.size >= 2 * HEAD_BYTES ? await read(8, st.size - HEAD_BYTES) : undefined;
    return typeFromMagic(head, isoMark, tail) ?? fallback;
  } catch {
    return fallback;
  } finally {
    await fh.close();
  }
}

/** `0644` and `rw-r--r--` from a stat mode, with setuid/setgid/sticky as `ls` shows them. */
export function modeStrings(mode: number): { mode: string; permissions: string } {
  const bits = mode & 0o7777;
  const rwx = (shift: number, special: boolean, letter: string): string => {
    const p = (bits >> shift) & 7;
    const x = p & 1;
    const last = special ? (x ? letter : letter.toUpperCase()) : x ? 'x' : '-';
    return `${p & 4 ? 'r' : '-'}${p & 2 ? 'w' : '-'}${last}`;
  };
  return {
    mode: bits.toString(8).padStart(4, '0'),
    permissions:
      rwx(6, (bits & 0o4000) !== 0, 's') +
      rwx(3, (bits & 0o2000) !== 0, 's') +
      rwx(0, (bits & 0o1000) !== 0, 't'),
  };
}
