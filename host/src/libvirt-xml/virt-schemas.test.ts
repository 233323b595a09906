import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  AbsolutePath,
  NetHost,
  PoolCreateRequest,
  VirtName,
  VmCreateRequest,
  VmDetail,
  VolumeCreateRequest,
  VolumeName,
} from '@quantix/shared';
import { parseDomainXml } from './domain-xml.ts';

// The shared schemas in shared/src/virt-*.ts, tested here beside the XML they guard.

const VM: VmCreateRequest = {
  name: 'web-01',
  vcpus: 2,
  memoryMiB: 2048,
  disks: [{ pool: 'images', sizeGiB: 20, format: 'qcow2' }],
  cdrom: { pool: 'iso', volume: 'debian-12.5.0-amd64-netinst.iso' },
  network: { type: 'network', name: 'default' },
  bootOrder: ['cdrom', 'hd'],
  autostart: false,
};

describe('VirtName', () => {
  for (const good of ['a', 'web-01', 'Web_01.prod', '0', 'a'.repeat(64)]) {
    it(`accepts ${good.slice(0, 12)}`, () => assert.ok(VirtName.safeParse(good).success));
  }
  for (const bad of [
    '',
    'x</name><source>',
    'a..b',
    '.hidden',
    '-x',
    'a b',
    'a/b',
    'é',
    'a'.repeat(65),
    "a'b",
  ]) {
    it(`rejects ${JSON.stringify(bad.slice(0, 20))}`, () =>
      assert.equal(VirtName.safeParse(bad).success, false));
  }
});

describe('VolumeName and paths', () => {
  it('takes image extensions and refuses traversal', () => {
    assert.ok(VolumeName.safeParse('disk-1.qcow2').success);
    assert.ok(VolumeName.safeParse('ubuntu-24.04.1-live-server-amd64.iso').success);
    for (const bad of ['../x.img', 'x/y.img', 'x.', '.x', 'a..qcow2']) {
      assert.equal(VolumeName.safeParse(bad).success, false, bad);
    }
    for (const bad of ['relative', '/a/../b', '/a/./b', '/a b', "/a'b", '/a\nb', '//']) {
      assert.equal(AbsolutePath.safeParse(bad).success, false, bad);
    }
    assert.ok(AbsolutePath.safeParse('/var/lib/libvirt/images/').success);
  });

  it('checks the extension against the format', () => {
    const ok = (name: string, format: 'qcow2' | 'raw'): boolean =>
      VolumeCreateRequest.safeParse({ name, format, sizeGiB: 1 }).success;
    assert.ok(ok('a.qcow2', 'qcow2'));
    assert.ok(ok('a.img', 'raw'));
    assert.ok(ok('a.iso', 'raw'));
    assert.ok(ok('data', 'qcow2'));
    assert.equal(ok('a.img', 'qcow2'), false);
    assert.equal(ok('a.qcow2', 'raw'), false);
  });
});

describe('NetHost', () => {
  it('takes names and addresses, nothing else', () => {
    for (const good of ['nas', 'nas.example.org', '192.0.2.10', '2001:db8::1'])
      assert.ok(NetHost.safeParse(good).success);
    for (const bad of ['-nas', 'nas_1.example', 'nas example', "nas'", '', `${'a'.repeat(64)}.org`]) {
      assert.equal(NetHost.safeParse(bad).success, false, bad);
    }
  });
});

describe('VmCreateRequest', () => {
  it('accepts a full request', () => assert.ok(VmCreateRequest.safeParse(VM).success));

  for (const [what, bad] of [
    ['a name carrying markup', { name: 'x</name><source>' }],
    ['no disks', { disks: [] }],
    ['nine disks', { disks: Array.from({ length: 9 }, () => VM.disks[0]) }],
    ['a disk of 0 GiB', { disks: [{ pool: 'images', sizeGiB: 0, format: 'raw' }] }],
    ['a disk over 64 TiB', { disks: [{ pool: 'images', sizeGiB: 65_537, format: 'raw' }] }],
    ['65 vCPUs', { vcpus: 65 }],
    ['32 MiB', { memoryMiB: 32 }],
    ['cdrom boot without an ISO', { cdrom: undefined }],
    ['an empty boot order', { bootOrder: [] }],
    ['a repeated boot device', { bootOrder: ['hd', 'hd'] }],
    ['a long description', { description: 'x'.repeat(1025) }],
    ['an unknown network type', { network: { type: 'direct', name: 'eth0' } }],
  ] as const) {
    it(`rejects ${what}`, () => assert.equal(VmCreateRequest.safeParse({ ...VM, ...bad }).success, false));
  }
});

describe('PoolCreateRequest', () => {
  it('is a union on type', () => {
    assert.ok(PoolCreateRequest.safeParse({ type: 'dir', name: 'p', path: '/srv/p' }).success);
    assert.equal(
      PoolCreateRequest.safeParse({ type: 'dir', name: 'p', host: 'nas', path: '/srv/p' }).success,
      true,
    );
    assert.equal(PoolCreateRequest.safeParse({ type: 'netfs', name: 'p', path: '/srv/p' }).success, false);
    assert.equal(
      PoolCreateRequest.safeParse({ type: 'logical', name: 'p', vgName: 'vg', devices: [] }).success,
      false,
    );
  });
});

describe('VmDetail', () => {
  it('holds a parsed domain with runtime fields, test driver UUID included', () => {
    const parsed = parseDomainXml(
      readFileSync(new URL('./fixtures/test-domain.xml', import.meta.url), 'utf8'),
    );
    const detail = {
      ...parsed,
      state: 'running',
      autostart: false,
      persistent: true,
      cpuPercent: null,
      memoryUsedMiB: null,
      tags: parsed.metadata.tags,
      template: parsed.metadata.template,
    };
    // 6695eb01-f6a4-8304-79aa-… has variant nibble 7: z.uuid() would refuse libvirt's own UUID
    assert.ok(VmDetail.safeParse(detail).success, JSON.stringify(VmDetail.safeParse(detail).error?.issues));
  });
});
