import type { HardwareReport } from '@quantix/shared';
import { Router } from 'express';
import type { Inventory } from '../discovery/inventory.ts';
import { toPciDevice } from './pci-map.ts';
import { readPciDevices } from './pci-source.ts';

/** The Hardware page: the (cached) discovery inventory plus PCI devices from sysfs. */
export function hardwareRoutes(deps: { inventory: Inventory; pciRoot?: string }): Router {
  const r = Router();
  r.get('/hardware', async (_req, res) => {
    const [report, pci] = await Promise.all([deps.inventory.collect(), readPciDevices(deps.pciRoot)]);
    const body: HardwareReport = { ...report, pci: pci.map(toPciDevice) };
    res.json(body);
  });
  return r;
}
