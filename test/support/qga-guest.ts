import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

// Test support (not a test file): a tiny guest for the guest agent tests. A Debian kernel (the
// cloud flavour of linux-image-amd64: small, and virtio as modules) and an initramfs whose /init is
// qga-guest/qga-init.c, a static program that loads the virtio console modules and answers the
// qemu-guest-agent protocol on org.qemu.guest_agent.0. Built once into a cache directory
// (QUANTIX_TEST_CACHE, default /var/cache/quantix-test) that QEMU, running as libvirt-qemu, can read.

export interface QgaGuest {
  kernel: string;
  initrd: string;
}

const SOURCE = new URL('./qga-guest/qga-init.c', import.meta.url).pathname;
const MODULES = [
  'virtio',
  'virtio_ring',
  'virtio_pci_modern_dev',
  'virtio_pci_legacy_dev',
  'virtio_pci',
  'virtio_console',
];

const run = (cmd: string, args: string[], cwd?: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });

/** The kernel package's .deb: from apt's cache when there, else `apt-get download`. */
function kernelDeb(dir: string): string {
  const have = readdirSync(dir).find((f) => /^linux-image-.*-cloud-amd64_.*\.deb$/.test(f));
  if (have) return join(dir, have);
  const cached = existsSync('/var/cache/apt/archives')
    ? readdirSync('/var/cache/apt/archives').find((f) =>
        /^linux-image-[0-9.]+-[0-9]+-cloud-amd64_.*\.deb$/.test(f),
      )
    : undefined;
  if (cached) {
    copyFileSync(join('/var/cache/apt/archives', cached), join(dir, cached));
    return join(dir, cached);
  }
  // linux-image-cloud-amd64 is a metapackage: download the versioned image it depends on
  const depends = run('apt-cache', [
    'depends',
    '--no-recommends',
    '--no-suggests',
    'linux-image-cloud-amd64',
  ]);
  const pkg = /Depends: (linux-image-[0-9][^\s]*-cloud-amd64)\b/.exec(depends)?.[1];
  if (!pkg) throw new Error(`no kernel package behind linux-image-cloud-amd64:\n${depends}`);
  run('apt-get', ['download', pkg], dir);
  const got = readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (!got) throw new Error(`apt-get download ${pkg} left no .deb in ${dir}`);
  return join(dir, got);
}

/** Builds (or finds) the guest's kernel and initramfs; throws with the reason when it cannot. */
export function prepareQgaGuest(): QgaGuest {
  const root = process.env.QUANTIX_TEST_CACHE ?? '/var/cache/quantix-test';
  const key = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const dir = join(root, `qga-guest-${key}`);
  const out = { kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.cpio') };
  if (existsSync(out.kernel) && existsSync(out.initrd)) return out;

  const tmp = `${dir}.tmp${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'deb'), { recursive: true });
  mkdirSync(join(tmp, 'root/modules'), { recursive: true });
  const debDir = join(root, 'debs');
  mkdirSync(debDir, { recursive: true });
  run('dpkg', ['-x', kernelDeb(debDir), join(tmp, 'deb')]);
  const boot = readdirSync(join(tmp, 'deb/boot')).find((f) => f.startsWith('vmlinuz-'));
  if (!boot) throw new Error('the kernel package has no /boot/vmlinuz-*');
  const version = boot.slice('vmlinuz-'.length);
  const kmods = join(tmp, 'deb/lib/modules', version, 'kernel/drivers');
  for (const m of MODULES) {
    const found = [join(kmods, 'virtio', `${m}.ko`), join(kmods, 'char', `${m}.ko`)].find(existsSync);
    if (found) copyFileSync(found, join(tmp, 'root/modules', `${m}.ko`));
  }
  if (!existsSync(join(tmp, 'root/modules/virtio_console.ko')))
    throw new Error('virtio_console.ko not found');
  run('gcc', ['-static', '-O2', '-o', join(tmp, 'root/init'), SOURCE]);
  for (const d of ['dev', 'proc', 'sys']) mkdirSync(join(tmp, 'root', d));
  const files = run('find', ['.', '-mindepth', '1'], join(tmp, 'root'));
  const cpio = execFileSync('cpio', ['-o', '-H', 'newc', '--quiet'], {
    cwd: join(tmp, 'root'),
    input: files,
    maxBuffer: 256 * 2 ** 20,
  });
  writeFileSync(join(tmp, 'initrd.cpio'), cpio);
  copyFileSync(join(tmp, 'deb/boot', boot), join(tmp, 'vmlinuz'));
  rmSync(join(tmp, 'deb'), { recursive: true, force: true });
  rmSync(join(tmp, 'root'), { recursive: true, force: true });
  // QEMU runs as libvirt-qemu: the path down to the files must be readable by anyone
  for (const p of [root, tmp]) chmodSync(p, 0o755);
  for (const f of ['vmlinuz', 'initrd.cpio']) chmodSync(join(tmp, f), 0o644);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return out;
}

/** Adds a direct kernel boot to a domain XML built by buildDomainXml. */
export function withDirectKernelBoot(domainXml: string, g: QgaGuest): string {
  const boot = `<kernel>${g.kernel}</kernel><initrd>${g.initrd}</initrd><cmdline>console=ttyS0 panic=-1</cmdline>`;
  return domainXml.replace(/(<type [^>]*>hvm<\/type>)/, `$1${boot}`);
}
