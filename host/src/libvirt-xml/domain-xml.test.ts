import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildDomainXml,
  buildProbeDomainXml,
  type DomainSpec,
  parseDomainXml,
  replaceDomainCpu,
} from './domain-xml.ts';
import {
  fixture,
  validationFailure,
  validateWithSchema,
  validatorMissing,
  virshMissing,
  virshRoundTrip,
} from './libvirt-check.test-helper.ts';

const SPEC: DomainSpec = {
  name: 'web-01',
  uuid: '0b9e7f0a-3c55-4d7e-9a61-2f7f3c1d9e01',
  vcpus: 2,
  memoryMiB: 1536,
  disks: [
    { path: '/var/lib/quantix/images/web-01-disk0.qcow2', format: 'qcow2' },
    { path: '/dev/vg0/web-01-data', format: 'raw', type: 'block' },
  ],
  cdrom: { path: '/var/lib/quantix/iso/debian-12.5.0-amd64-netinst.iso' },
  network: { type: 'network', name: 'default' },
  bootOrder: ['cdrom', 'hd'],
  description: 'Web </description><devices><disk/> & "friends"',
};

/** What parseDomainXml should give back for SPEC, whatever libvirt added around it. */
function expectRoundTrip(xml: string): void {
  const d = parseDomainXml(xml);
  assert.equal(d.name, SPEC.name);
  assert.equal(d.uuid, SPEC.uuid);
  assert.equal(d.vcpus, SPEC.vcpus);
  assert.equal(d.memoryMiB, SPEC.memoryMiB);
  assert.equal(d.description, SPEC.description);
  assert.deepEqual(d.bootOrder, SPEC.bootOrder);
  assert.deepEqual(
    d.disks.map((x) => [x.device, x.target, x.bus, x.source, x.format]),
    [
      ['disk', 'vda', 'virtio', '/var/lib/quantix/images/web-01-disk0.qcow2', 'qcow2'],
      ['disk', 'vdb', 'virtio', '/dev/vg0/web-01-data', 'raw'],
      ['cdrom', 'sda', 'sata', '/var/lib/quantix/iso/debian-12.5.0-amd64-netinst.iso', 'raw'],
    ],
  );
  assert.equal(d.nics.length, 1);
  assert.deepEqual(
    { ...d.nics[0], mac: null },
    { mac: null, type: 'network', source: 'default', model: 'virtio' },
  );
  assert.deepEqual(d.graphics, [{ type: 'vnc', port: null, listen: '127.0.0.1' }]);
  assert.equal(d.os.arch, 'x86_64');
  assert.match(d.os.machine ?? '', /q35/);
}

describe('buildDomainXml', () => {
  it('builds a software-emulated q35 guest with virtio disks, a SATA cdrom and loopback VNC', () => {
    const xml = buildDomainXml(SPEC);
    assert.match(xml, /^<domain type="qemu">/);
    assert.match(xml, /<graphics type="vnc" port="-1" autoport="yes" listen="127.0.0.1">/);
    assert.match(xml, /<on_poweroff>destroy<\/on_poweroff>/);
    assert.match(xml, /<serial type="pty">/);
    assert.match(xml, /<source dev="\/dev\/vg0\/web-01-data"\/>/);
    expectRoundTrip(xml);
  });

  it('gives a KVM guest a portable named CPU by default, a TCG guest everything QEMU emulates', () => {
    const kvm = buildDomainXml({ ...SPEC, virtType: 'kvm' });
    assert.match(kvm, /<domain type="kvm">/);
    assert.match(
      kvm,
      /<cpu mode="custom" match="exact" check="none">\s*<model fallback="forbid">qemu64<\/model>/,
    );
    assert.deepEqual(parseDomainXml(kvm).cpu, { mode: 'custom', model: 'qemu64' });
    const tcg = buildDomainXml(SPEC);
    assert.match(tcg, /<domain type="qemu">/);
    assert.deepEqual(parseDomainXml(tcg).cpu, { mode: 'maximum', model: null });
  });

  it('uses the CPU asked for: a named model, host-passthrough or host-model', () => {
    for (const cpu of [
      { mode: 'custom', model: 'Westmere' },
      { mode: 'host-passthrough' },
      { mode: 'host-model' },
    ] as const) {
      const d = parseDomainXml(buildDomainXml({ ...SPEC, virtType: 'kvm', cpu }));
      assert.deepEqual(d.cpu, { mode: cpu.mode, model: 'model' in cpu ? cpu.model : null });
    }
    assert.throws(
      () => buildDomainXml({ ...SPEC, cpu: { mode: 'custom', model: 'x</model>' } }),
      validationFailure,
    );
  });

  it('replaces the CPU of an existing domain and leaves the rest as libvirt wrote it', () => {
    const before = fixture('qemu-domain-inactive.xml');
    const after = replaceDomainCpu(before, { mode: 'custom', model: 'EPYC' });
    assert.deepEqual(parseDomainXml(after).cpu, { mode: 'custom', model: 'EPYC' });
    assert.equal((after.match(/<cpu\b/g) ?? []).length, 1);
    // only the <cpu> element changed
    const strip = (x: string) => x.replace(/<cpu\b[^>]*\/>|<cpu\b[^>]*>[\s\S]*?<\/cpu>/, '');
    assert.equal(strip(after), strip(before));
    // a domain without <cpu> gets one
    const bare = "<domain type='kvm'><name>a</name><vcpu>1</vcpu><cputune/><devices></devices></domain>";
    const added = replaceDomainCpu(bare, { mode: 'host-model' });
    assert.deepEqual(parseDomainXml(added).cpu, { mode: 'host-model', model: null });
    assert.match(added, /<cputune\/>/);
  });

  it('keeps markup in the description as text', () => {
    const xml = buildDomainXml(SPEC);
    assert.match(
      xml,
      /<description>Web &lt;\/description&gt;&lt;devices&gt;&lt;disk\/&gt; &amp; &quot;friends&quot;/,
    );
    assert.equal((xml.match(/<devices>/g) ?? []).length, 1);
  });

  it('joins a host bridge and numbers disks by position', () => {
    const xml = buildDomainXml({
      ...SPEC,
      cdrom: undefined,
      bootOrder: ['hd', 'network'],
      network: { type: 'bridge', name: 'br0' },
    });
    const d = parseDomainXml(xml);
    assert.deepEqual(
      d.nics.map((n) => [n.type, n.source]),
      [['bridge', 'br0']],
    );
    assert.deepEqual(
      d.disks.map((x) => x.target),
      ['vda', 'vdb'],
    );
    assert.deepEqual(d.bootOrder, ['hd', 'network']);
    assert.equal(d.description, SPEC.description);
  });

  for (const [what, bad] of [
    ['a name carrying markup', { name: 'x</name><source>' }],
    ['a name with ".."', { name: 'a..b' }],
    ['a relative disk path', { disks: [{ path: 'images/x.qcow2', format: 'qcow2' }] }],
    ['a disk path with ".."', { disks: [{ path: '/var/lib/../../etc/shadow', format: 'raw' }] }],
    ['a disk path with a quote', { disks: [{ path: "/var/lib/x'.qcow2", format: 'raw' }] }],
    ['a bridge name carrying markup', { network: { type: 'bridge', name: "br0'/><x" } }],
    ['a control character in the description', { description: 'bell \u0007' }],
    ['booting from a missing cdrom', { cdrom: undefined }],
    [
      'two disks on one target',
      {
        disks: [
          { path: '/a', format: 'raw', target: 'vdb' },
          { path: '/b', format: 'raw' },
        ],
      },
    ],
    ['zero vCPUs', { vcpus: 0 }],
    ['a duplicate boot device', { bootOrder: ['hd', 'hd'] }],
  ] as const) {
    it(`rejects ${what} before building anything`, () => {
      assert.throws(() => buildDomainXml({ ...SPEC, ...bad } as DomainSpec), validationFailure);
    });
  }
});

describe('parseDomainXml on recorded libvirt output', () => {
  it("reads the test driver's domain", () => {
    const d = parseDomainXml(fixture('test-domain.xml'));
    assert.equal(d.name, 'test');
    assert.equal(d.uuid, '6695eb01-f6a4-8304-79aa-97f2502e193f');
    assert.equal(d.vcpus, 2);
    assert.equal(d.memoryMiB, 2048, 'currentMemory, not the 8 GiB maximum');
    assert.deepEqual(d.disks, [
      {
        target: 'vda',
        device: 'disk',
        bus: 'virtio',
        source: '/guest/diskimage1',
        pool: null,
        volume: null,
        format: null,
        capacity: null,
      },
    ]);
    assert.deepEqual(d.nics, [{ mac: 'aa:bb:cc:dd:ee:ff', type: 'network', source: 'default', model: null }]);
    assert.deepEqual(d.graphics, []);
    assert.deepEqual(d.bootOrder, ['hd']);
    assert.deepEqual(d.os, { arch: 'i686', machine: null, type: 'hvm' });
    assert.equal(d.description, '');
  });

  it('reads a running QEMU guest: live VNC port, aliases, controllers and all', () => {
    const d = parseDomainXml(fixture('qemu-domain-running.xml'));
    assert.equal(d.name, 'quantix-probe');
    assert.equal(d.memoryMiB, 256);
    assert.deepEqual(d.graphics, [{ type: 'vnc', port: 5900, listen: '127.0.0.1' }]);
    assert.deepEqual(
      d.disks.map((x) => [x.target, x.device, x.format]),
      [
        ['vda', 'disk', 'qcow2'],
        ['vdb', 'disk', 'raw'],
        ['sda', 'cdrom', 'raw'],
      ],
    );
    assert.deepEqual(d.nics, [{ mac: '52:54:00:ab:7e:ff', type: 'user', source: null, model: 'virtio' }]);
    assert.deepEqual(d.os, { arch: 'x86_64', machine: 'pc-q35-7.2', type: 'hvm' });
    assert.deepEqual(d.bootOrder, ['cdrom', 'hd']);
    assert.equal(d.description, `A </description><devices> & "quotes" 'single'`);
  });

  it('reads the same guest shut off: autoport gives no port', () => {
    const d = parseDomainXml(fixture('qemu-domain-inactive.xml'));
    assert.deepEqual(d.graphics, [{ type: 'vnc', port: null, listen: '127.0.0.1' }]);
    assert.equal(d.disks.length, 3);
  });

  it('reads an i440fx guest on a host bridge', () => {
    const d = parseDomainXml(fixture('qemu-domain-pc-bridge.xml'));
    assert.equal(d.os.machine, 'pc-i440fx-7.2');
    assert.deepEqual(
      d.nics.map((n) => [n.type, n.source, n.model]),
      [['bridge', 'br0', 'virtio']],
    );
  });

  it('falls back to per-device boot order and reads volume disks', () => {
    const d =
      parseDomainXml(`<domain type='qemu'><name>v</name><uuid>0b9e7f0a-3c55-4d7e-9a61-2f7f3c1d9e01</uuid>
      <memory>1048576</memory><vcpu current='2'>4</vcpu><os><type>hvm</type></os><devices>
      <disk type='volume' device='disk'><source pool='images' volume='v.qcow2'/><target dev='vda' bus='virtio'/><boot order='2'/></disk>
      <interface type='network'><source network='lab'/><boot order='1'/></interface>
      <graphics type='spice' autoport='yes'><listen type='address' address='127.0.0.1'/></graphics>
      <graphics type='sdl'/></devices></domain>`);
    assert.deepEqual(d.bootOrder, ['network', 'hd']);
    assert.equal(d.vcpus, 2);
    assert.equal(d.memoryMiB, 1024);
    assert.deepEqual([d.disks[0]?.pool, d.disks[0]?.volume, d.disks[0]?.source], ['images', 'v.qcow2', null]);
    assert.deepEqual(d.graphics, [{ type: 'spice', port: null, listen: '127.0.0.1' }]);
  });
});

describe('domain XML accepted by libvirt', () => {
  it('passes libvirt’s RelaxNG schema', { skip: validatorMissing }, async () => {
    assert.match(await validateWithSchema(buildDomainXml(SPEC), 'domain'), /validates/);
    const probe = buildProbeDomainXml({
      name: 'qx-cpu-probe-1',
      uuid: '0b9e7f0a-3c55-4d7e-9a61-2f7f3c1d9e02',
      virtType: 'kvm',
      cpu: { mode: 'custom', model: 'Westmere' },
    });
    assert.match(await validateWithSchema(probe, 'domain'), /validates/);
  });

  it('defines in the test driver and reads back the same', { skip: virshMissing }, async () => {
    const out = await virshRoundTrip(buildDomainXml(SPEC), 'define', `dumpxml ${SPEC.name}`);
    assert.match(out, /<domain type='qemu'>/);
    expectRoundTrip(out);
  });
});
