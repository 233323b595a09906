import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { OUTPUT_DIR } from '../support/browser.ts';
import { type AdminHost, startAdminHost } from '../support/admin-host.ts';
import { type AdminPage, openAdminPage } from '../support/browser-host.ts';
import { type RunningHost, tempDataDir } from '../support/host-process.ts';
import { join } from 'node:path';

// Issue 9 in chromium against the real host on libvirt's test driver (which answers the guest
// agent's hostname and addresses itself): the wizard's guest OS preset, the firmware step, and
// the VM page's Guest card with the agent's answers, then the list's cached addresses.
describe('browser: Windows 11 preset in the wizard, the Guest card, IPs in the list', () => {
  const data = tempDataDir();
  const vmName = `qxos-b${randomBytes(3).toString('hex')}`;
  let qx: AdminHost | undefined;
  let web: AdminPage | undefined;
  let host: RunningHost;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    qx = await startAdminHost({ dataDir: data.dir });
    ({ host } = qx);
    web = await openAdminPage(qx, pageErrors);
    page = web.page;
  });
  after(async () => {
    await web?.close();
    await qx?.stop();
    data.remove();
  });

  it('chooses UEFI, Secure Boot, TPM, SATA and e1000e for Windows 11', async () => {
    // the host's network list is held back until the Network step has said it is still loading
    // (CI once reached that step before the list came, and Next stayed there without a word)
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const networksUrl = /\/api\/v1\/networks$/;
    await page.route(networksUrl, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${host.url}/vms/new`);
    await page.getByTestId('wizard-os').selectOption('win11');
    await page.getByTestId('wizard-name').fill(vmName);
    await page.getByTestId('wizard-memory').fill('256');
    await page.getByTestId('wizard-next').click();
    assert.equal(await page.getByTestId('disk-bus').inputValue(), 'sata');
    await page.getByTestId('disk-pool').first().selectOption('default-pool');
    await page.getByTestId('disk-size').first().fill('1');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click(); // no CD-ROM
    assert.equal(await page.getByTestId('nic-model').inputValue(), 'e1000e');
    await page.getByTestId('wizard-next').click();
    await page.getByText("The host's networks are still loading").waitFor();
    release();
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLSelectElement>('[data-testid="network-select"]')?.value ===
        'network:default',
    );
    await page.getByTestId('wizard-next').click();
    assert.equal(await page.getByTestId('firmware-select').inputValue(), 'uefi');
    assert.equal(await page.getByTestId('secure-boot-checkbox').isChecked(), true);
    assert.equal(await page.getByTestId('tpm-checkbox').isChecked(), true);
    assert.equal(await page.getByTestId('guest-agent-checkbox').isChecked(), true);
    await page.getByTestId('wizard-next').click(); // the cloud-init step: none for this VM
    await page.getByTestId('wizard-next').click();
    assert.equal(await page.getByTestId('review-os').textContent(), 'Windows 11');
    assert.match(
      (await page.getByTestId('review-firmware').textContent()) ?? '',
      /UEFI with Secure Boot, TPM 2.0, guest agent channel/,
    );
    await page.screenshot({ path: join(OUTPUT_DIR, 'vm-wizard-win11.png'), fullPage: true });
    await page.getByTestId('wizard-create').click();
    await page.locator(`[data-testid="vm-detail"][data-vm-name="${vmName}"]`).waitFor({ timeout: 60_000 });
  });

  it('shows the platform, and the agent once the VM runs', async () => {
    assert.equal(await page.getByTestId('vm-os-preset').textContent(), 'Windows 11');
    assert.equal(await page.getByTestId('vm-firmware').textContent(), 'UEFI, Secure Boot');
    assert.match((await page.getByTestId('vm-tpm').textContent()) ?? '', /TPM 2\.0/);
    await page.locator('[data-testid="vm-agent"][data-agent="vm-off"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('vm-action-start').click();
    await page.locator('[data-testid="vm-detail"][data-state="running"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="vm-agent"][data-agent="connected"]').waitFor({ timeout: 30_000 });
    assert.ok(((await page.getByTestId('vm-guest-hostname').textContent()) ?? '').length > 0);
    const ips = (await page.getByTestId('vm-guest-ips').textContent()) ?? '';
    assert.match(ips, /\d+\.\d+\.\d+\.\d+\/\d+/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'vm-guest-card.png'), fullPage: true });
  });

  it('lists the addresses the VM page asked for', async () => {
    await page.goto(`${host.url}/vms`);
    const cell = page.locator(`[data-testid="vm-row"][data-vm-name="${vmName}"] [data-testid="vm-ips"]`);
    await cell.waitFor({ timeout: 15_000 });
    assert.match((await cell.textContent()) ?? '', /\d+\.\d+\.\d+\.\d+/);
  });

  it('ran without page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
