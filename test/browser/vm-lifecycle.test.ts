import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { OUTPUT_DIR } from '../support/browser.ts';
import { type AdminHost, startAdminHost } from '../support/admin-host.ts';
import { type AdminPage, openAdminPage } from '../support/browser-host.ts';
import { type RunningHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';

// In Debian's chromium against the real host on a real libvirtd with QEMU.
describe('browser: pool upload, VM wizard, start, console, stop, delete', () => {
  const data = tempDataDir();
  const work = mkdtempSync(join(tmpdir(), 'qxbrowser'));
  const poolDir = join(work, 'pool');
  const pool = `bw${Date.now().toString(36)}`;
  const vmName = `qx-${pool}`;
  let qx: AdminHost | undefined;
  let web: AdminPage | undefined;
  let host: RunningHost;
  let admin: CookieJar;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    qx = await startAdminHost({ dataDir: data.dir, libvirt: 'system' });
    ({ host, admin } = qx);
    mkdirSync(poolDir);
    chmodSync(work, 0o755);
    chmodSync(poolDir, 0o755); // QEMU runs as libvirt-qemu
    const created = await host.api('/api/v1/storage/pools', {
      method: 'POST',
      jar: admin,
      body: { type: 'dir', name: pool, path: poolDir },
      timeoutMs: 120_000,
    });
    assert.equal(created.status, 201, created.text);
    web = await openAdminPage(qx, pageErrors, { policyErrors: true });
    page = web.page;
  });

  after(async () => {
    await web?.close();
    // leave nothing on the daemon, whatever failed
    const vms = (await host?.api('/api/v1/vms', { jar: admin }).catch(() => null))?.json as
      | { vms: Array<{ uuid: string; name: string }> }
      | undefined;
    const left = vms?.vms.find((v) => v.name === vmName);
    if (left) {
      await host
        .api(`/api/v1/vms/${left.uuid}/actions/destroy`, { method: 'POST', jar: admin })
        .catch(() => undefined);
      await host
        .api(`/api/v1/vms/${left.uuid}?deleteVolumes=true`, { method: 'DELETE', jar: admin })
        .catch(() => undefined);
    }
    await host?.api(`/api/v1/storage/pools/${pool}`, { method: 'DELETE', jar: admin }).catch(() => undefined);
    await qx?.stop();
    data.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('uploads an ISO through the pool file browser, with progress, and lists it', async () => {
    const iso = Buffer.alloc(2 * 1024 * 1024);
    iso.write('\x01CD001\x01', 0x8000, 'latin1');
    const isoPath = join(work, 'installer.iso');
    writeFileSync(isoPath, iso);
    await page.goto(`${host.url}/storage/${pool}?tab=files`);
    // an empty pool shows no list yet, only the upload box
    await page.getByTestId('file-upload-input').waitFor({ state: 'attached', timeout: 15_000 });
    await page.getByTestId('file-upload-input').setInputFiles(isoPath);
    const row = page.locator('[data-testid="file-row"][data-name="installer.iso"]');
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.getAttribute('data-type'), 'iso');
    await page.screenshot({ path: join(OUTPUT_DIR, 'pool-files.png'), fullPage: true });
  });

  it('creates a VM through the wizard with a disk in the pool and the ISO', async () => {
    await page.getByTestId('nav-vms').click();
    await page.getByTestId('create-vm-button').click();
    await page.getByTestId('wizard-name').fill(vmName);
    await page.getByTestId('wizard-vcpus').fill('1');
    await page.getByTestId('wizard-memory').fill('128');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('disk-pool').first().selectOption(pool);
    await page.getByTestId('disk-size').first().fill('1');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('cdrom-volume').selectOption(`${pool}/installer.iso`);
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('network-select').selectOption('user');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('boot-order').selectOption('cdrom,hd');
    await page.getByTestId('wizard-next').click();
    // cloud-init: left off
    await page.getByTestId('wizard-next').click();
    await page.screenshot({ path: join(OUTPUT_DIR, 'vm-wizard-review.png'), fullPage: true });
    await page.getByTestId('wizard-create').click();
    // the detail page may render a moment before the new VM's data arrives: wait for the VM itself
    const detail = page.locator(`[data-testid="vm-detail"][data-vm-name="${vmName}"]`);
    await detail.waitFor({ timeout: 120_000 });
    assert.equal(await detail.getAttribute('data-state'), 'shutoff');
  });

  it('starts it: the new state arrives pushed, and the console shows the VNC canvas', async () => {
    await page.getByTestId('vm-action-start').click();
    await page.locator('[data-testid="vm-detail"][data-state="running"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('vm-tab-console').click();
    await page.locator('[data-testid="console-status"][data-state="connected"]').waitFor({ timeout: 30_000 });
    const canvas = page.locator('[data-testid="vm-console"] canvas');
    await canvas.waitFor({ timeout: 15_000 });
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `a real canvas: ${JSON.stringify(box)}`);
    await page.waitForTimeout(1500); // let the BIOS draw something
    await page.screenshot({ path: join(OUTPUT_DIR, 'vm-console.png'), fullPage: true });
  });

  it('forces it off (after confirming) and deletes it with its disk', async () => {
    await page.getByTestId('vm-action-destroy').click();
    // force off asks first, naming the VM; nothing happens until the user says yes
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    assert.match(
      (await dialog.textContent()) ?? '',
      new RegExp(`Force off ${vmName}\\?.*pulling the power cord`),
    );
    assert.equal(await page.getByTestId('vm-detail').getAttribute('data-state'), 'running');
    await page.getByTestId('confirm-accept').click();
    await page.locator('[data-testid="vm-detail"][data-state="shutoff"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('vm-delete').click();
    await page.getByTestId('delete-volumes').check();
    await page.getByTestId('confirm-accept').click();
    await page.waitForURL('**/vms', { timeout: 30_000 });
    // the list has loaded (other suites' VMs may share this libvirtd), and the deleted VM is not in it
    await page.locator('[data-testid="vms-empty"], [data-testid="vm-select-all"]').first().waitFor();
    await page
      .locator(`[data-testid="vm-row"][data-vm-name="${vmName}"]`)
      .waitFor({ state: 'detached', timeout: 15_000 });
    const vols = (await host.api(`/api/v1/storage/pools/${pool}/volumes`, { jar: admin })).json as {
      volumes: Array<{ name: string }>;
    };
    assert.deepEqual(
      vols.volumes.map((v) => v.name),
      ['installer.iso'],
    );
  });

  it('ran without page errors or CSP violations', () => {
    assert.deepEqual(pageErrors, []);
  });
});
