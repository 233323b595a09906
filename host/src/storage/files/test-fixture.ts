import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The tree the file-browser tests run against (real files in a temp dir):
 *
 *   pools/alpha/                      the pool
 *     a..b.txt  file9.txt  file10.txt  Ünïcode name.txt
 *     installer.iso  (40 KB, 'CD001' at 0x8001)   fake.iso (text; typed by extension)
 *     disk.qcow2  disk-noext (qcow2 magic)  cloud.img (qcow2 magic)  blank.img (zeros)
 *     iso-noext  vmdk-noext  vdi-noext  vhd-fixed-noext
 *     fifo                              a named pipe: 'other', never opened
 *     .upload-0123456789abcdef.part     an upload in progress: hidden
 *     b-dir/  sub/file.raw  sub/nested/deep/readme.txt
 *     link-in -> ./sub/file.raw         dir-link-in -> sub
 *     link-out -> ../alpha-sibling/secret.txt
 *     dir-link-out -> /etc              dangling -> ./nope   dangling-out -> /nonexistent-qx/x
 *   pools/alpha-sibling/secret.txt      a sibling pool sharing the prefix "alpha"
 *   pool-alias -> pools/alpha           the pool root given through a symlink
 */
export interface Fixture {
  base: string;
  pool: string;
  sibling: string;
  alias: string;
}

export function isoImage(size: number): Buffer {
  const buf = Buffer.alloc(size);
  buf.write('CD001', 0x8001, 'latin1');
  return buf;
}

export function qcow2Header(): Buffer {
  const buf = Buffer.alloc(1024);
  buf.write('QFI\xfb', 0, 'latin1');
  buf.writeUInt32BE(3, 4);
  return buf;
}

export async function buildFixture(): Promise<Fixture> {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'qx-files-')));
  const pool = join(base, 'pools', 'alpha');
  const sibling = join(base, 'pools', 'alpha-sibling');
  await mkdir(join(pool, 'sub', 'nested', 'deep'), { recursive: true });
  await mkdir(join(pool, 'b-dir'));
  await mkdir(sibling, { recursive: true });
  await writeFile(join(sibling, 'secret.txt'), 'sibling secret\n');

  const f = (name: string, data: string | Buffer, mode = 0o644) =>
    writeFile(join(pool, name), data, { mode });
  await f('a..b.txt', 'dots in the middle are fine\n');
  await f('file9.txt', '9');
  await f('file10.txt', '10');
  await f('Ünïcode name.txt', 'u');
  await f('installer.iso', isoImage(40 * 1024));
  await f('fake.iso', 'not really an iso');
  await f('disk.qcow2', qcow2Header(), 0o600);
  await f('disk-noext', qcow2Header());
  await f('cloud.img', qcow2Header());
  await f('blank.img', Buffer.alloc(8192));
  await f('iso-noext', isoImage(40 * 1024));
  const vmdk = Buffer.alloc(512);
  vmdk.write('KDMV', 0, 'latin1');
  await f('vmdk-noext', vmdk);
  const vdi = Buffer.alloc(512);
  vdi.write('<<< Oracle VM VirtualBox Disk Image >>>\n', 0, 'latin1');
  vdi.writeUInt32LE(0xbeda107f, 0x40);
  await f('vdi-noext', vdi);
  const vhd = Buffer.alloc(4096);
  vhd.write('conectix', 4096 - 512, 'latin1');
  await f('vhd-fixed-noext', vhd);
  await f('.upload-0123456789abcdef.part', 'half an upload');
  await writeFile(join(pool, 'sub', 'file.raw'), Buffer.alloc(4096, 1));
  await writeFile(join(pool, 'sub', 'nested', 'deep', 'readme.txt'), 'deep\n');
  execFileSync('mkfifo', [join(pool, 'fifo')]);

  await symlink('./sub/file.raw', join(pool, 'link-in'));
  await symlink('sub', join(pool, 'dir-link-in'));
  await symlink('../alpha-sibling/secret.txt', join(pool, 'link-out'));
  await symlink('/etc', join(pool, 'dir-link-out'));
  await symlink('./nope', join(pool, 'dangling'));
  await symlink('/nonexistent-qx/x', join(pool, 'dangling-out'));
  const alias = join(base, 'pool-alias');
  await symlink('pools/alpha', alias);
  return { base, pool, sibling, alias };
}
