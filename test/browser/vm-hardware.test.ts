import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VmDetail } from '@quantix/shared';
import type { Page } from 'playwright-core';
import { OUTPUT_DIR } from '../support/browser.ts';
import { type AdminHost, startAdminHost } from '../support/admin-host.ts';
import { type AdminPage, openAdminPage } from '../support/browser-host.ts';
import { type RunningHost, tempDataDir } from '../support/host-process.ts';

// In Debian's chromium against the real host on a real libvirtd with QEMU: the Hardware tab of a
// running VM, a change that waits for the next start (orange), a live one, and the XML beside it.
describe('browser: the VM Hardware tab', () => {
  const data = tempDataDir();
  const poolDir = mkdtempSync(join(tmpdir(), 'qxhw'));
  chmodSync(poolDir, 0o755); // QEMU runs as libvirt-qemu
  const id = randomBytes(4).toString('hex');
  const pool = `qxhwb${id}`;
  const name = `qxhwb-${id}`;
  let qx: AdminHost | undefined;
  let web: AdminPage | undefined;
  let host: RunningHost;
  let api: AdminHost['api'];
  let page: Page;
  let uuid = '';
  const pageErrors: string[] = [];

  before(async () => {
    qx = await startAdminHost({ dataDir: data.dir, libvirt: 'system' });
    ({ host, api } = qx);
    const created = await api('POST', '/storage/pools', { type: 'dir', name: pool, path: poolDir });
    assert.equal(created.status, 201, created.text);
    const vm = await api('POST', '/vms', {
      name,
      vcpus: 1,
      memoryMiB: 128,
      disks: [{ pool, sizeGiB: 1, format: 'qcow2' }],
      network: { type: 'user' },
      bootOrder: ['hd'],
      autostart: false,
    });
    assert.equal(vm.status, 201, vm.text);
    uuid = VmDetail.parse(vm.json).uuid;
    const start = await api('POST', `/vms/${uuid}/actions/start`);
    assert.equal(start.status, 200, start.text);
    web = await openAdminPage(qx, pageErrors);
    page = web.page;
  });

  after(async () => {
    await web?.close();
    if (uuid) {
      await api('POST', `/vms/${uuid}/actions/destroy`).catch(() => undefined);
      await api('DELETE', `/vms/${uuid}?deleteVolumes=true`).catch(() => undefined);
    }
    await api('POST', `/storage/pools/${pool}/stop`).catch(() => undefined);
    await api('DELETE', `/storage/pools/${pool}`).catch(() => undefined);
    await qx?.stop();
    data.remove();
    rmSync(poolDir, { recursive: true, force: true });
  });

  const row = (item: string) => page.locator(`[data-testid="hw-row"][data-item="${item}"]`);

  it('shows the running VM’s hardware', async () => {
    await page.goto(`${host.url}/vms/${uuid}?tab=hardware`);
    await page.locator('[data-testid="vm-detail"][data-state="running"]').waitFor({ timeout: 30_000 });
    await row('memory').waitFor({ timeout: 15_000 });
    assert.match((await row('memory').textContent()) ?? '', /128 MiB/);
    assert.equal(await row('memory').getAttribute('data-pending'), 'no');
  });

  it('raises the memory: pending (orange) until the next start, with the running value beside it', async () => {
    await page.getByTestId('hw-edit-memory').click();
    await page.getByTestId('hw-memory').fill('256');
    await page.getByTestId('hw-memory-dialog').getByTestId('dialog-submit').click();
    await page
      .locator('[data-testid="hw-row"][data-item="memory"][data-pending="yes"]')
      .waitFor({ timeout: 15_000 });
    const text = (await row('memory').textContent()) ?? '';
    assert.match(text, /256 MiB/);
    assert.match(text, /pending/);
    assert.match(text, /now: 128 MiB/);
    const color = await row('memory')
      .locator('.hw-pending')
      .evaluate((el) => getComputedStyle(el).color);
    assert.notEqual(color, 'rgb(0, 0, 0)', 'the pending value stands out');
    await page.getByTestId('hw-notes').waitFor();
    assert.match((await page.getByTestId('hw-notes').textContent()) ?? '', /next start/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'vm-hardware-pending.png'), fullPage: true });
  });

  it('takes the NIC’s link down live: applied at once, nothing pending', async () => {
    const nicRow = page.locator('[data-testid="hw-row"][data-item^="nic-"]').first();
    await nicRow.getByRole('button', { name: 'Edit' }).click();
    await page.getByTestId('hw-nic-link').uncheck();
    await page.getByTestId('hw-nic-dialog').getByTestId('dialog-submit').click();
    await page.getByTestId('hw-notes').filter({ hasText: 'link down: applied to the running VM' }).waitFor({
      timeout: 15_000,
    });
    assert.match((await nicRow.textContent()) ?? '', /link down/);
    assert.equal(await nicRow.getAttribute('data-pending'), 'no');
  });

  it('edits processors, a new disk, a CD-ROM drive, the description and start at boot through their dialogs', async () => {
    await page.getByTestId('hw-edit-processors').click();
    await page.getByTestId('hw-cores').fill('2');
    await page.getByTestId('hw-processors-dialog').getByTestId('dialog-submit').click();
    await page
      .locator('[data-testid="hw-row"][data-item="processors"][data-pending="yes"]')
      .waitFor({ timeout: 15_000 });
    assert.match((await row('processors').textContent()) ?? '', /1 of 2 vCPUs \(1 socket × 2 cores\)/);

    await page.getByTestId('hw-add-disk').click();
    await page.getByTestId('hw-disk-pool').selectOption(pool);
    await page.getByTestId('hw-disk-size').fill('1');
    await page.getByTestId('hw-disk-add-dialog').getByTestId('dialog-submit').click();
    await row('disk-vdb').waitFor({ timeout: 30_000 });
    assert.match((await row('disk-vdb').textContent()) ?? '', new RegExp(`${name}-disk1\\.qcow2`));

    await page.getByTestId('hw-add-cdrom').click();
    await page.getByTestId('hw-disk-add-dialog').getByTestId('dialog-submit').click();
    await row('disk-sda').waitFor({ timeout: 15_000 });
    assert.match((await row('disk-sda').textContent()) ?? '', /empty/);

    await page.getByTestId('hw-edit-description').click();
    await page.getByTestId('hw-description').fill('web server <1>');
    await page.getByTestId('hw-description-dialog').getByTestId('dialog-submit').click();
    // the row shows the text pending for a moment (defined, not yet set live); the edit's answer settles it
    await page
      .locator('[data-testid="hw-row"][data-item="description"][data-pending="no"]')
      .filter({ hasText: 'web server <1>' })
      .waitFor({ timeout: 15_000 });
    assert.equal(await row('description').getAttribute('data-pending'), 'no', 'set live too');

    await page.getByTestId('hw-edit-autostart').click();
    await page.getByTestId('hw-autostart').check();
    await page.getByTestId('hw-start-order').fill('4');
    await page.getByTestId('hw-start-delay').fill('15');
    await page.getByTestId('hw-autostart-dialog').getByTestId('dialog-submit').click();
    await row('autostart').filter({ hasText: 'yes, order 4, then wait 15 s' }).waitFor({ timeout: 15_000 });
    // not this test's VM to start with the daemon
    const off = await api('PATCH', `/vms/${uuid}/hardware`, { autostart: { enabled: false } });
    assert.equal(off.status, 200, off.text);
  });

  it('shows the pending definition beside the running one in the XML tab', async () => {
    await page.getByTestId('vm-tab-xml').click();
    await page.getByTestId('vm-xml-pending').waitFor({ timeout: 15_000 });
    assert.match(
      (await page.getByTestId('vm-xml-pending').textContent()) ?? '',
      /<memory unit='KiB'>262144<\/memory>/,
    );
    assert.match(
      (await page.getByTestId('vm-xml').textContent()) ?? '',
      /<memory unit='KiB'>131072<\/memory>/,
    );
  });

  it('after a power cycle the new memory runs and nothing is pending', async () => {
    await page.getByTestId('vm-tab-hardware').click();
    // each state seen on the page in turn: shut off nothing is pending either, so the running VM's
    // rows are only read once the page has shown it running again
    for (const [action, state] of [
      ['destroy', 'shutoff'],
      ['start', 'running'],
    ]) {
      const res = await api('POST', `/vms/${uuid}/actions/${action}`);
      assert.equal(res.status, 200, res.text);
      await page.locator(`[data-testid="vm-detail"][data-state="${state}"]`).waitFor({ timeout: 30_000 });
    }
    await page
      .locator('[data-testid="hw-row"][data-item="memory"][data-pending="no"]')
      .filter({ hasText: '256 MiB' })
      .waitFor({ timeout: 15_000 });
    const h = (await api('GET', `/vms/${uuid}/hardware`)).json as { pending: string[]; state: string };
    assert.deepEqual([h.state, h.pending], ['running', []]);
    await page.locator('[data-testid="vm-hardware"][data-pending=""]').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('hw-pending').count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
