import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PciDevice } from '@quantix/shared';
import { toPciDevice } from './pci-map.ts';
import { readPciDevices } from './pci-source.ts';

describe('PCI devices from sysfs', () => {
  const root = mkdtempSync(join(tmpdir(), 'qx-pci-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads a sysfs-shaped tree and names classes and vendors', async () => {
    const dev = (
      addr: string,
      cls: string,
      vendor: string,
      device: string,
      driver?: string,
      group?: number,
    ) => {
      const d = join(root, 'devices', addr);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'class'), `${cls}\n`);
      writeFileSync(join(d, 'vendor'), `${vendor}\n`);
      writeFileSync(join(d, 'device'), `${device}\n`);
      if (driver) symlinkSync(`../../../bus/pci/drivers/${driver}`, join(d, 'driver'));
      if (group !== undefined) symlinkSync(`../../../kernel/iommu_groups/${group}`, join(d, 'iommu_group'));
    };
    dev('0000:00:1f.2', '0x010601', '0x8086', '0x2922', 'ahci', 3);
    dev('0000:01:00.0', '0x030200', '0x10de', '0x2236', 'vfio-pci', 14);
    dev('0000:02:00.0', '0x0b4000', '0xabcd', '0x0001');
    const raw = await readPciDevices(join(root, 'devices'));
    const pci = raw.map(toPciDevice).map((d) => PciDevice.parse(d));
    assert.deepEqual(
      pci.map((d) => [d.address, d.className, d.vendor, d.driver, d.iommuGroup]),
      [
        ['0000:00:1f.2', 'SATA controller', 'Intel', 'ahci', 3],
        ['0000:01:00.0', '3D controller', 'NVIDIA', 'vfio-pci', 14],
        ['0000:02:00.0', 'class 0b4000', 'abcd', null, null],
      ],
    );
  });

  it('reads this machine and answers an empty list where there is no PCI bus', async () => {
    const real = await readPciDevices();
    for (const d of real) PciDevice.parse(toPciDevice(d));
    assert.deepEqual(await readPciDevices(join(root, 'nope')), []);
  });
});
