import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import pino from 'pino';
import { createHypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { Hypervisor } from '../hypervisor/hypervisor.ts';
import { openHypervisor } from '../hypervisor/open-hypervisor.ts';
import { createVmInventory } from './vm-inventory.ts';

// libvirt's test driver underneath, whose first listing fails as when a D-Bus call times out: the
// inventory says its load did not succeed (an empty list then means nothing) and tries again.
describe('VM inventory whose first full load fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qxfixb-inv-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is not "loaded" after the failure, and is once a retry succeeded', async () => {
    const log = pino({ level: 'silent' });
    let failures = 1;
    const monitor = createHypervisorMonitor({
      uri: 'test:///default',
      log,
      open: async () => {
        const o = await openHypervisor({
          uri: 'test:///default',
          runtimeDir: join(dir, 'run'),
          log,
          preferSystemBus: false,
        });
        const h: Hypervisor = Object.assign(Object.create(o.hypervisor) as Hypervisor, {
          listDomains: () => {
            if (failures-- > 0)
              return Promise.reject(new AppError('HYPERVISOR_UNAVAILABLE', 'D-Bus call timed out'));
            return o.hypervisor.listDomains();
          },
        });
        return { hypervisor: h, close: o.close };
      },
    });
    try {
      await monitor.start();
      const inventory = createVmInventory({ monitor, log, retryMs: 20 });
      await inventory.ready();
      assert.equal(inventory.loaded(), false);
      assert.equal(inventory.all().length, 0);
      for (let i = 0; i < 250 && !inventory.loaded(); i++) {
        await new Promise((r) => setTimeout(r, 20));
        await inventory.ready();
      }
      assert.equal(inventory.loaded(), true);
      assert.ok(
        inventory.all().some((r) => r.info.name === 'test'),
        "the test driver's own VM",
      );
    } finally {
      await monitor.close();
    }
  });
});
