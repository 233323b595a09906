import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fixture,
  validationFailure,
  validateWithSchema,
  validatorMissing,
  virshMissing,
  virshRoundTrip,
} from './libvirt-check.test-helper.ts';
import { buildVolumeXml, parseVolumeBackingPath, parseVolumeXml, type VolumeSpec } from './volume-xml.ts';

const QCOW2: VolumeSpec = { name: 'web-01-disk0.qcow2', format: 'qcow2', capacityBytes: 20 * 2 ** 30 };

describe('parseVolumeXml', () => {
  it("reads the test driver's volume", () => {
    assert.deepEqual(parseVolumeXml(fixture('test-volume.xml')), {
      name: 'disk1.qcow2',
      key: '/default-pool/disk1.qcow2',
      path: '/default-pool/disk1.qcow2',
      type: 'file',
      format: 'qcow2',
      capacity: 1073741824,
      allocation: 1073741824,
    });
  });

  it('reads a block volume without a format', () => {
    const v = parseVolumeXml(
      `<volume type='block'><name>lv0</name><key>abc</key><capacity unit='MiB'>4</capacity><target><path>/dev/vg0/lv0</path></target></volume>`,
    );
    assert.deepEqual(
      [v.type, v.format, v.capacity, v.allocation, v.path],
      ['block', null, 4 * 2 ** 20, 0, '/dev/vg0/lv0'],
    );
  });
});

describe('buildVolumeXml', () => {
  it('builds a sparse volume in bytes', () => {
    const xml = buildVolumeXml(QCOW2);
    assert.match(xml, /<capacity unit="bytes">21474836480<\/capacity>/);
    assert.match(xml, /<allocation unit="bytes">0<\/allocation>/);
    const v = parseVolumeXml(xml);
    assert.deepEqual([v.name, v.format, v.capacity], [QCOW2.name, 'qcow2', QCOW2.capacityBytes]);
  });

  for (const [what, bad] of [
    ['a name with a slash', { ...QCOW2, name: '../etc/passwd' }],
    ['a name carrying markup', { ...QCOW2, name: 'x</name><target>' }],
    ['a name starting with a dot', { ...QCOW2, name: '.hidden' }],
    ['a fractional size', { ...QCOW2, capacityBytes: 1.5 }],
    ['no size', { ...QCOW2, capacityBytes: 0 }],
    ['an unknown format', { ...QCOW2, format: 'vmdk' }],
  ] as const) {
    it(`rejects ${what}`, () => {
      assert.throws(() => buildVolumeXml(bad as VolumeSpec), validationFailure);
    });
  }
});

describe('linked-clone overlays (backingStore)', () => {
  const OVERLAY: VolumeSpec = {
    ...QCOW2,
    name: 'clone-disk0.qcow2',
    backingStore: { path: '/var/lib/qx/tpl-disk0.qcow2', format: 'qcow2' },
  };
  it('names the backing volume and its format, and reads it back', () => {
    const xml = buildVolumeXml(OVERLAY);
    assert.match(
      xml,
      /<backingStore>\s*<path>\/var\/lib\/qx\/tpl-disk0.qcow2<\/path>\s*<format type="qcow2"\/>/,
    );
    assert.equal(parseVolumeBackingPath(xml), '/var/lib/qx/tpl-disk0.qcow2');
    assert.equal(parseVolumeBackingPath(buildVolumeXml(QCOW2)), null);
  });
  it('refuses a backing path that is not a plain absolute path', () => {
    assert.throws(
      () => buildVolumeXml({ ...OVERLAY, backingStore: { path: 'json:{}', format: 'qcow2' } }),
      validationFailure,
    );
  });
  it('passes the storagevol schema', { skip: validatorMissing }, async () => {
    assert.match(await validateWithSchema(buildVolumeXml(OVERLAY), 'storagevol'), /validates/);
  });
});

describe('volume XML accepted by libvirt', () => {
  it('passes the storagevol schema', { skip: validatorMissing }, async () => {
    assert.match(await validateWithSchema(buildVolumeXml(QCOW2), 'storagevol'), /validates/);
  });

  for (const spec of [QCOW2, { name: 'scratch.img', format: 'raw', capacityBytes: 2 ** 30 } as const]) {
    it(`vol-creates ${spec.format} in the test driver and reads back`, { skip: virshMissing }, async () => {
      const out = await virshRoundTrip(
        buildVolumeXml(spec),
        'vol-create default-pool',
        `vol-dumpxml --pool default-pool ${spec.name}`,
      );
      const v = parseVolumeXml(out);
      assert.deepEqual(
        [v.name, v.format, v.capacity, v.path],
        [spec.name, spec.format, spec.capacityBytes, `/default-pool/${spec.name}`],
      );
    });
  }
});
