import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DiscoveryReport } from '@quantix/shared';
import { parseMounts, parseVirshVersion, toDiscoveryReport } from './inventory-map.ts';
import type { RawInventory } from './inventory-source.ts';

const AT = new Date('2026-01-15T10:00:00.000Z');
const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as RawInventory;
const map = (raw: RawInventory) => DiscoveryReport.parse(toDiscoveryReport(raw, AT));

describe('inventory map: bare-metal KVM host', () => {
  const raw = load('baremetal-kvm');
  const report = map(raw);
  const nic = (name: string) => report.networkInterfaces.find((n) => n.name === name);

  it('takes the management IP from the default-route bridge', () => {
    assert.equal(report.managementIp, '10.20.0.15');
    assert.equal(report.hostname, 'kvm-r750-03');
    assert.equal(report.collectedAt, '2026-01-15T10:00:00.000Z');
  });

  it('reads two sockets, cores, threads, MHz and the vmx flag', () => {
    assert.deepEqual(report.cpu, {
      model: 'Intel Xeon® Gold 6338',
      vendor: 'GenuineIntel',
      sockets: 2,
      cores: 64,
      threads: 128,
      mhz: 2000,
      virtualization: ['vmx'],
      kvm: true,
    });
    assert.deepEqual(report.memory, {
      total: 540950716416,
      available: 410111787008,
      swapTotal: 8589930496,
      swapFree: 8589930496,
    });
  });

  it('lists the two NVMe disks with their own partitions, and no zram, loop, LVM or CD', () => {
    assert.deepEqual(
      report.disks.map((d) => [d.name, d.type, d.serial, d.partitions.map((p) => p.name)]),
      [
        ['nvme0n1', 'NVMe', 'S61CNE0R700123', ['nvme0n1p1', 'nvme0n1p2', 'nvme0n1p3']],
        ['nvme1n1', 'NVMe', 'S64HNE0T401987', ['nvme1n1p1']],
      ],
    );
    const disk1 = report.disks[1];
    assert.equal(disk1?.model, 'SAMSUNG MZQL23T8HCLS-00A07');
    assert.equal(disk1?.size, 3840755982336);
    assert.deepEqual(disk1?.partitions[0], {
      name: 'nvme1n1p1',
      size: 3840753885184,
      fstype: 'xfs',
      mount: '/var/lib/libvirt/images',
    });
  });

  it('lists NFS mounts from df and from /proc/self/mounts, once each', () => {
    assert.deepEqual(report.nfsMounts, [
      { source: 'nas01.lab.example:/export/isos', mount: '/mnt/isos', fstype: 'nfs4' },
      { source: '10.20.0.21:/vol/backup', mount: '/srv/vm backups', fstype: 'nfs' },
    ]);
    assert.deepEqual(
      report.filesystems.map((f) => f.mount),
      ['/', '/boot', '/boot/efi', '/var/lib/libvirt/images', '/mnt/isos'],
    );
  });

  it('lists NICs without an address, marks software devices virtual, and drops loopback', () => {
    assert.deepEqual(
      report.networkInterfaces.map((n) => [n.name, n.virtual, n.link, n.speed]),
      [
        ['br0', true, 'up', null],
        ['eno1', false, 'up', 10000],
        ['eno2', false, 'down', null],
        ['virbr0', true, 'up', null],
        ['vnet0', true, 'unknown', 10],
      ],
    );
    assert.equal(nic('lo'), undefined);
    assert.deepEqual(nic('br0')?.ipv4, ['10.20.0.15', '10.20.0.16']);
    assert.deepEqual(nic('br0')?.ipv6, ['2001:db8:20::15', 'fe80::b27b:25ff:fed4:1e60']);
    assert.equal(nic('eno2')?.mac, 'b0:7b:25:d4:1e:61');
    assert.deepEqual(nic('eno1')?.ipv4, []);
  });

  it('reports GPUs by PCI address with VRAM in bytes', () => {
    assert.deepEqual(report.gpus[1], {
      vendor: 'NVIDIA Corporation',
      model: 'GA102GL [A10]',
      bus: 'ca:00.0',
      vram: 23028 * 1024 * 1024,
    });
    assert.equal(report.gpus.length, 2);
  });

  it('reports OS and the libvirt daemon version', () => {
    assert.deepEqual(report.os, {
      distro: 'Debian GNU/Linux',
      release: '12',
      kernel: '6.1.0-18-amd64',
      arch: 'x64',
    });
    assert.deepEqual(report.libvirt, { version: '9.0.0', status: 'available' });
    assert.deepEqual(report.warnings, []);
  });

  it('without a default route, picks the first non-internal IPv4 but never libvirt NAT bridge', () => {
    const noDefault = { ...raw, networkInterfaceDefault: '' };
    assert.equal(map(noDefault).managementIp, '10.20.0.15');
    const { br0: _, ...onlyVirbr } = raw.addresses;
    assert.equal(
      map({ ...noDefault, addresses: onlyVirbr }).managementIp,
      '192.168.122.1',
      'the NAT bridge is only the last resort',
    );
  });
});

describe('inventory map: this VM (recorded)', () => {
  const report = map(load('vm-debian12'));

  it('maps the recorded VM', () => {
    assert.equal(report.hostname, 'vm');
    assert.equal(report.managementIp, '192.0.2.2');
    // the flags hide vmx here, yet /dev/kvm works and guests run under KVM
    assert.deepEqual(report.cpu.virtualization, []);
    assert.equal(report.cpu.kvm, true);
    assert.equal(report.cpu.sockets, 1);
    assert.deepEqual(
      report.disks.map((d) => [d.name, d.partitions.length]),
      [['vda', 0]],
    );
    // a whole-disk filesystem at /: in use, though it has no partitions
    assert.ok(report.disks[0]?.inUse.includes('vda is mounted at /'));
    assert.deepEqual(report.nfsMounts, []);
    assert.deepEqual(
      report.networkInterfaces.map((n) => [n.name, n.virtual, n.link]),
      [
        ['eth0', false, 'up'],
        ['ifb0', true, 'down'],
        ['ifb1', true, 'down'],
      ],
    );
    assert.equal(report.networkInterfaces[0]?.speed, null, 'virtio reports -1');
    assert.deepEqual(report.libvirt, { version: '9.0.0', status: 'available' });
  });
});

describe('inventory map: partial data', () => {
  it('maps an inventory whose every part failed into a valid report', () => {
    const empty: RawInventory = {
      hostname: 'h1',
      osInfo: null,
      cpu: null,
      cpuFlags: '',
      mem: null,
      diskLayout: [],
      blockDevices: [],
      fsSize: [],
      networkInterfaceDefault: '',
      graphics: [],
      addresses: {},
      netLinks: [],
      mounts: '',
      virshVersion: null,
      kvm: false,
      diskUsage: {},
      failures: ['cpu: timed out after 10 ms', 'libvirt: virsh not found'],
    };
    const report = map(empty);
    assert.equal(report.managementIp, null);
    assert.equal(report.cpu.sockets, 0);
    assert.deepEqual(report.libvirt, { version: null, status: 'unavailable' });
    assert.deepEqual(report.warnings, ['cpu: timed out after 10 ms', 'libvirt: virsh not found']);
  });

  it('lists disks from diskLayout when blockDevices is missing', () => {
    const raw = load('baremetal-kvm');
    const disks = map({ ...raw, blockDevices: [] }).disks;
    assert.deepEqual(
      disks.map((d) => [d.name, d.type, d.partitions.length]),
      [
        ['nvme0n1', 'NVMe', 0],
        ['nvme1n1', 'NVMe', 0],
      ],
    );
  });
});

describe('parsers', () => {
  it('prefers the daemon version, then the library version', () => {
    const text = 'Compiled against library: libvirt 10.0.0\nUsing library: libvirt 10.0.0\n';
    assert.equal(parseVirshVersion(`${text}Running against daemon: 9.0.0\n`), '9.0.0');
    assert.equal(parseVirshVersion(text), '10.0.0');
    assert.equal(parseVirshVersion('nonsense'), null);
  });

  it('decodes octal escapes in /proc/self/mounts', () => {
    assert.deepEqual(parseMounts('srv:/a\\040b /mnt/x\\011y nfs4 rw 0 0\n\n'), [
      { source: 'srv:/a b', mount: '/mnt/x\ty', fstype: 'nfs4' },
    ]);
  });
});
