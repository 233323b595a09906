import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { modeStrings, sniffType, typeFromMagic, typeFromName } from './file-type.ts';
import { buildFixture, type Fixture, isoImage, qcow2Header } from './test-fixture.ts';

let fx: Fixture;
before(async () => {
  fx = await buildFixture();
});
after(async () => {
  await rm(fx.base, { recursive: true, force: true });
});

describe('typeFromName', () => {
  it('decides disk formats and plain files by extension, without I/O', () => {
    assert.deepEqual(typeFromName('a.ISO'), { type: 'iso' });
    assert.deepEqual(typeFromName('a.vmdk'), { type: 'vmdk' });
    assert.deepEqual(typeFromName('a.vmdk'), { type: 'vmdk' });
    assert.deepEqual(typeFromName('a.vdi'), { type: 'vdi' });
    assert.deepEqual(typeFromName('a.vhdx'), { type: 'vhd' });
    assert.deepEqual(typeFromName('a..b.txt'), { type: 'file' });
    assert.deepEqual(typeFromName('SHA256SUMS.sig'), { type: 'file' });
  });

  it('sniffs .img (falling back to raw) and unknown extensions (falling back to file)', () => {
    assert.deepEqual(typeFromName('cloud.img'), { sniff: true, fallback: 'raw' });
    // uploads keep their names whatever qemu-img found: a raw image may be called .qcow2
    assert.deepEqual(typeFromName('a.qcow2'), { sniff: true, fallback: 'raw' });
    assert.deepEqual(typeFromName('a.raw'), { sniff: true, fallback: 'raw' });
    assert.deepEqual(typeFromName('disk'), { sniff: true, fallback: 'file' });
    assert.deepEqual(typeFromName('disk.bin'), { sniff: true, fallback: 'file' });
  });
});

describe('typeFromMagic', () => {
  it('recognises each signature', () => {
    assert.equal(typeFromMagic(qcow2Header()), 'qcow2');
    assert.equal(typeFromMagic(Buffer.from('KDMV\x01\x00\x00\x00', 'latin1')), 'vmdk');
    assert.equal(typeFromMagic(Buffer.from('# Disk DescriptorFile\n', 'latin1')), 'vmdk');
    assert.equal(typeFromMagic(Buffer.from('conectix', 'latin1')), 'vhd');
    assert.equal(typeFromMagic(Buffer.from('vhdxfile', 'latin1')), 'vhd');
    const vdi = Buffer.alloc(512);
    vdi.writeUInt32LE(0xbeda107f, 0x40);
    assert.equal(typeFromMagic(vdi), 'vdi');
    assert.equal(typeFromMagic(Buffer.alloc(512), Buffer.from('CD001')), 'iso');
    assert.equal(typeFromMagic(Buffer.alloc(512), Buffer.from('BEA01')), 'iso');
    assert.equal(typeFromMagic(Buffer.alloc(512), undefined, Buffer.from('conectix')), 'vhd');
  });

  it('returns null for anything else, including short buffers', () => {
    assert.equal(typeFromMagic(Buffer.alloc(0)), null);
    assert.equal(typeFromMagic(Buffer.from('QFI')), null);
    assert.equal(typeFromMagic(Buffer.alloc(512), Buffer.from('CD00')), null);
    assert.equal(typeFromMagic(isoImage(0x8001).subarray(0, 512)), null);
  });
});

describe('sniffType', () => {
  it('reads the headers of real files', async () => {
    const p = (n: string) => join(fx.pool, n);
    assert.equal(await sniffType(p('disk-noext'), 'file'), 'qcow2');
    assert.equal(await sniffType(p('cloud.img'), 'raw'), 'qcow2');
    assert.equal(await sniffType(p('blank.img'), 'raw'), 'raw');
    assert.equal(await sniffType(p('iso-noext'), 'file'), 'iso');
    assert.equal(await sniffType(p('vmdk-noext'), 'file'), 'vmdk');
    assert.equal(await sniffType(p('vdi-noext'), 'file'), 'vdi');
    assert.equal(await sniffType(p('vhd-fixed-noext'), 'file'), 'vhd');
    assert.equal(await sniffType(p('a..b.txt'), 'file'), 'file');
  });

  it('never follows a symlink or blocks on a FIFO', async () => {
    assert.equal(await sniffType(join(fx.pool, 'link-in'), 'file'), 'file');
    assert.equal(await sniffType(join(fx.pool, 'fifo'), 'file'), 'file');
    assert.equal(await sniffType(join(fx.pool, 'missing'), 'file'), 'file');
  });
});

describe('modeStrings', () => {
  it('formats like ls', () => {
    assert.deepEqual(modeStrings(0o100644), { mode: '0644', permissions: 'rw-r--r--' });
    assert.deepEqual(modeStrings(0o40755), { mode: '0755', permissions: 'rwxr-xr-x' });
    assert.deepEqual(modeStrings(0o4755), { mode: '4755', permissions: 'rwsr-xr-x' });
    assert.deepEqual(modeStrings(0o2640), { mode: '2640', permissions: 'rw-r-S---' });
    assert.deepEqual(modeStrings(0o1777), { mode: '1777', permissions: 'rwxrwxrwt' });
    assert.deepEqual(modeStrings(0o600), { mode: '0600', permissions: 'rw-------' });
  });
});
