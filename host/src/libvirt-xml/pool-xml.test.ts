import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PoolCreateRequest } from '@quantix/shared';
import {
  fixture,
  validationFailure,
  validateWithSchema,
  validatorMissing,
  virshMissing,
  virshRoundTrip,
} from './libvirt-check.test-helper.ts';
import { buildPoolXml, parsePoolXml, poolMountOptions } from './pool-xml.ts';

const DIR: PoolCreateRequest = { type: 'dir', name: 'images', path: '/var/lib/quantix/images' };
const NETFS: PoolCreateRequest = {
  type: 'netfs',
  name: 'nas',
  host: 'nas.example.org',
  exportPath: '/export/vm',
  path: '/mnt/nas',
};
const LOGICAL: PoolCreateRequest = {
  type: 'logical',
  name: 'vg0pool',
  vgName: 'vg0',
  devices: ['/dev/sdb', '/dev/sdc'],
};

describe('parsePoolXml on recorded libvirt output', () => {
  it("reads the test driver's dir pool", () => {
    assert.deepEqual(parsePoolXml(fixture('test-pool.xml')), {
      name: 'default-pool',
      uuid: 'dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566',
      type: 'dir',
      libvirtType: 'dir',
      path: '/default-pool',
      source: { host: null, dir: null, devices: [], name: null },
      capacity: 107374182400,
      allocation: 0,
      available: 107374182400,
    });
  });

  it('reads a netfs pool', () => {
    const p = parsePoolXml(fixture('test-pool-netfs.xml'));
    assert.equal(p.type, 'netfs');
    assert.deepEqual(p.source, { host: 'nas.example.org', dir: '/export/vm', devices: [], name: null });
    assert.equal(p.path, '/mnt/nas');
  });

  it('reads a logical pool, whose devices libvirt moves before the group name', () => {
    const p = parsePoolXml(fixture('test-pool-logical.xml'));
    assert.equal(p.type, 'logical');
    assert.deepEqual(p.source, { host: null, dir: null, devices: ['/dev/sdb', '/dev/sdc'], name: 'vg0' });
    assert.equal(p.path, '/dev/vg0');
  });

  it('maps other pool types and scaled units', () => {
    const p = parsePoolXml(
      `<pool type='iscsi'><name>san</name><capacity unit='GiB'>2</capacity><allocation>512</allocation></pool>`,
    );
    assert.equal(p.type, 'other');
    assert.equal(p.libvirtType, 'iscsi');
    assert.equal(p.capacity, 2 ** 31);
    assert.equal(p.allocation, 512);
    assert.equal(p.available, 0);
    assert.equal(p.path, null);
  });
});

describe('buildPoolXml', () => {
  it('builds dir, netfs and logical pools that parse back to the request', () => {
    assert.equal(parsePoolXml(buildPoolXml(DIR)).path, DIR.path);
    const netfs = parsePoolXml(buildPoolXml(NETFS));
    assert.deepEqual(
      [netfs.type, netfs.source.host, netfs.source.dir, netfs.path],
      ['netfs', 'nas.example.org', '/export/vm', '/mnt/nas'],
    );
    const lvm = parsePoolXml(buildPoolXml(LOGICAL));
    assert.deepEqual(
      [lvm.type, lvm.source.name, lvm.source.devices],
      ['logical', 'vg0', ['/dev/sdb', '/dev/sdc']],
    );
    assert.deepEqual(
      parsePoolXml(buildPoolXml({ type: 'logical', name: 'old', vgName: 'vg1' })).source.devices,
      [],
    );
  });

  for (const [what, bad] of [
    ['a name carrying markup', { ...DIR, name: 'x</name><source>' }],
    ['a relative path', { ...DIR, path: 'images' }],
    ['a path with ".."', { ...DIR, path: '/var/../etc' }],
    ['an NFS host carrying markup', { ...NETFS, host: "nas'/><dir path='/" }],
    ['an NFS host with a space', { ...NETFS, host: 'nas example' }],
    ['a device outside /dev', { ...LOGICAL, devices: ['/tmp/sdb'] }],
    ['a volume group with a slash', { ...LOGICAL, vgName: 'vg/0' }],
    ['an unknown pool type', { type: 'rbd', name: 'ceph' }],
  ] as const) {
    it(`rejects ${what}`, () => {
      assert.throws(() => buildPoolXml(bad as PoolCreateRequest), validationFailure);
    });
  }
});

describe('NFS mount options', () => {
  const withOptions: PoolCreateRequest = { ...NETFS, options: 'vers=4.2,,nosuid' };

  it("go in libvirt's fs namespace, one option each, and read back in order", () => {
    const xml = buildPoolXml(withOptions);
    assert.match(xml, /xmlns:fs="http:\/\/libvirt.org\/schemas\/storagepool\/fs\/1.0"/);
    assert.deepEqual(poolMountOptions(xml), ['vers=4.2', 'nosuid']);
    assert.deepEqual(poolMountOptions(buildPoolXml(NETFS)), []);
    assert.doesNotMatch(buildPoolXml({ ...NETFS, options: '' }), /xmlns:fs/);
  });

  it('refuses options that could carry markup or another mount argument', () => {
    assert.throws(() => buildPoolXml({ ...NETFS, options: 'vers=4"/><x' }), validationFailure);
    assert.throws(() => buildPoolXml({ ...NETFS, options: 'ro -o remount' }), validationFailure);
  });

  it('pass the storagepool schema', { skip: validatorMissing }, async () => {
    assert.match(await validateWithSchema(buildPoolXml(withOptions), 'storagepool'), /validates/);
  });
});

describe('pool XML accepted by libvirt', () => {
  for (const req of [DIR, NETFS, LOGICAL]) {
    it(`passes the storagepool schema (${req.type})`, { skip: validatorMissing }, async () => {
      assert.match(await validateWithSchema(buildPoolXml(req), 'storagepool'), /validates/);
    });

    it(`pool-defines in the test driver and reads back (${req.type})`, { skip: virshMissing }, async () => {
      const out = await virshRoundTrip(buildPoolXml(req), 'pool-define', `pool-dumpxml ${req.name}`);
      const p = parsePoolXml(out);
      assert.equal(p.name, req.name);
      assert.equal(p.type, req.type);
      assert.match(p.uuid, /^[0-9a-f-]{36}$/);
      // libvirt adds the uuid and the sizes; everything else comes back as sent
      const sent = parsePoolXml(buildPoolXml(req));
      assert.deepEqual({ ...p, uuid: '', capacity: 0, allocation: 0, available: 0 }, sent);
    });
  }
});
