import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createProcReader } from './proc-reader.ts';

// A directory laid out like /proc, filled with the recorded fixtures.
let root = '';
const fixture = (name: string): string =>
  fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const put = (rel: string, text: string): void => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
};

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'quantix-proc-'));
  put('stat', fixture('stat-1.txt'));
  put('meminfo', fixture('meminfo-1.txt'));
  put('loadavg', fixture('loadavg-1.txt'));
  put('uptime', fixture('uptime-1.txt'));
  put('diskstats', fixture('diskstats-kvm-host.txt'));
  put('net/dev', fixture('net-dev-kvm-host.txt'));
  // `/` exists everywhere; a mount point that does not exist here must be left out quietly
  put(
    'self/mounts',
    fixture('mounts-kvm-host.txt').replace('/var/lib/libvirt/images', '/nonexistent/qx/images'),
  );
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('proc reader on a fixture directory', () => {
  it('reads and parses every file', () => {
    const reader = createProcReader({ procRoot: root, monotonic: () => 5 });
    const r = reader.read();
    reader.close();
    assert.equal(r.mono, 5);
    assert.equal(r.cpu.cores.length, 2);
    assert.equal(r.disks.length, 8);
    assert.equal(r.net[0]?.name, 'eno1');
    const rootFs = r.filesystems.find((f) => f.mount === '/');
    assert.ok(rootFs && rootFs.size > 0 && rootFs.used <= rootFs.size, JSON.stringify(r.filesystems));
    assert.equal(
      r.filesystems.find((f) => f.mount === '/nonexistent/qx/images'),
      undefined,
    );
  });

  it('re-reads the same descriptors and grows a small buffer', () => {
    const reader = createProcReader({ procRoot: root, bufferSize: 32 });
    assert.equal(reader.read().uptime, Number(fixture('uptime-1.txt').split(' ')[0]));
    put('uptime', '999.50 1.00\n'); // same inode, rewritten in place
    assert.equal(reader.read().uptime, 999.5);
    assert.equal(reader.read().cpu.cores.length, 2); // /proc/stat is longer than 32 bytes
    reader.close();
    reader.close();
    assert.throws(() => reader.read(), /closed/);
  });

  it('re-reads the mount list only after the refresh period', () => {
    let clock = 0;
    const reader = createProcReader({ procRoot: root, mountsRefreshMs: 30_000, monotonic: () => clock });
    assert.ok(reader.read().filesystems.some((f) => f.mount === '/'));
    put('self/mounts', 'proc /proc proc rw 0 0\n');
    clock = 29_999;
    assert.ok(reader.read().filesystems.some((f) => f.mount === '/'));
    clock = 30_000;
    assert.deepEqual(reader.read().filesystems, []);
    reader.close();
    put('self/mounts', fixture('mounts-kvm-host.txt'));
  });

  it('fails at creation when a file is missing, leaking no descriptor', () => {
    assert.throws(() => createProcReader({ procRoot: path.join(root, 'nope') }), /ENOENT/);
  });
});
