import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VmDetail, type VmSummary } from '@quantix/shared';
import type { Page } from 'playwright-core';
import { OUTPUT_DIR } from '../support/browser.ts';
import { type AdminHost, startAdminHost } from '../support/admin-host.ts';
import { type AdminPage, openAdminPage } from '../support/browser-host.ts';
import { type RunningHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';

// In Debian's chromium against the real host on a real libvirtd: clone from the VM page, then a
// template and a linked clone from the list.
describe('browser: clone a VM, convert it into a template, new VM from the template, VM from an image with cloud-init', () => {
  const data = tempDataDir();
  const id = Math.random().toString(36).slice(2, 8);
  const pool = `qximgbw${id}`;
  const poolDir = mkdtempSync(join(tmpdir(), 'qximg-bw-'));
  const vmName = `qximg-${id}-src`;
  const cloneName = `${vmName}-clone`; // the name the dialog suggests
  const linkedName = `qximg-${id}-linked`;
  const importedName = `qximg-${id}-imported`;
  let qx: AdminHost | undefined;
  let web: AdminPage | undefined;
  let host: RunningHost;
  let admin: CookieJar;
  let api: AdminHost['api'];
  let page: Page;
  let uuid = '';
  const pageErrors: string[] = [];

  before(async () => {
    qx = await startAdminHost({ dataDir: data.dir, libvirt: 'system' });
    ({ host, admin, api } = qx);
    chmodSync(poolDir, 0o755);
    const created = await api('POST', '/storage/pools', { type: 'dir', name: pool, path: poolDir });
    assert.equal(created.status, 201, created.text);
    const vm = await api('POST', '/vms', {
      name: vmName,
      vcpus: 1,
      memoryMiB: 128,
      disks: [{ pool, sizeGiB: 0.0625, format: 'qcow2' }],
      network: { type: 'user' },
      bootOrder: ['hd'],
      autostart: false,
    });
    assert.equal(vm.status, 201, vm.text);
    uuid = VmDetail.parse(vm.json).uuid;
    web = await openAdminPage(qx, pageErrors);
    page = web.page;
  });

  after(async () => {
    await web?.close();
    const all =
      ((await api('GET', '/vms').catch(() => null))?.json as { vms?: VmSummary[] } | undefined)?.vms ?? [];
    // clones before the template they hang on
    const ours = all
      .filter((v) => v.name.startsWith(`qximg-${id}-`))
      .sort((a, b) => Number(a.template) - Number(b.template));
    for (const v of ours) {
      await api('POST', `/vms/${v.uuid}/actions/destroy`).catch(() => undefined);
      await api('DELETE', `/vms/${v.uuid}?deleteVolumes=true`).catch(() => undefined);
    }
    await api('DELETE', `/storage/pools/${pool}`).catch(() => undefined);
    await qx?.stop();
    data.remove();
    rmSync(poolDir, { recursive: true, force: true });
  });

  it('clones the VM from its page and sees the clone in the list', async () => {
    await page.goto(`${host.url}/vms/${uuid}`);
    await page.locator(`[data-testid="vm-detail"][data-vm-name="${vmName}"]`).waitFor({ timeout: 30_000 });
    await page.getByTestId('vm-more-menu').click();
    await page.getByTestId('vm-clone').click();
    const name = page.getByTestId('clone-name');
    assert.equal(await name.inputValue(), cloneName, 'a free name is suggested');
    await page.screenshot({ path: join(OUTPUT_DIR, 'vm-clone-dialog.png') });
    await page.getByTestId('clone-accept').click();
    // the clone's page once the copy is done
    await page
      .locator(`[data-testid="vm-detail"][data-vm-name="${cloneName}"]`)
      .waitFor({ timeout: 120_000 });
    await page.getByTestId('nav-vms').click();
    const row = page.locator(`[data-testid="vm-row"][data-vm-name="${cloneName}"]`);
    await row.waitFor({ timeout: 15_000 });
    assert.equal(await row.getAttribute('data-state'), 'shutoff');
    const source = page.locator(`[data-testid="vm-row"][data-vm-name="${vmName}"]`);
    assert.notEqual(await row.getAttribute('data-uuid'), await source.getAttribute('data-uuid'));
    assert.equal(await row.getByTestId('vm-template-badge').count(), 0);
    // opened directly, the VM page has no VM list yet: the dialog reads it and suggests a free name
    await page.goto(`${host.url}/vms/${uuid}`);
    await page.locator(`[data-testid="vm-detail"][data-vm-name="${vmName}"]`).waitFor({ timeout: 30_000 });
    await page.getByTestId('vm-more-menu').click();
    await page.getByTestId('vm-clone').click();
    const next = `${vmName}-clone2`;
    await page.waitForFunction(
      (want) => document.querySelector<HTMLInputElement>('[data-testid="clone-name"]')?.value === want,
      next,
    );
    await page.getByTestId('clone-cancel').click();
    await page.getByTestId('clone-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('nav-vms').click();
  });

  it('converts the source into a template (marked in the list) and makes a linked clone of it', async () => {
    const source = page.locator(`[data-testid="vm-row"][data-vm-name="${vmName}"]`);
    await source.getByTestId('vm-actions').click();
    await source.getByTestId('vm-make-template').click();
    await page.getByTestId('confirm-accept').click();
    await source.getByTestId('vm-template-badge').waitFor({ timeout: 15_000 });
    await source.getByTestId('vm-actions').click();
    await source.getByTestId('vm-from-template-linked').click();
    await page.getByTestId('clone-name').fill(linkedName);
    await page.getByTestId('clone-accept').click();
    await page
      .locator(`[data-testid="vm-detail"][data-vm-name="${linkedName}"]`)
      .waitFor({ timeout: 120_000 });
    await page.getByTestId('nav-vms').click();
    await page.locator(`[data-testid="vm-row"][data-vm-name="${linkedName}"]`).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(OUTPUT_DIR, 'vm-list-template.png'), fullPage: true });
    const clones = (await api('GET', `/vms/${uuid}/linked-clones`)).json as {
      clones: Array<{ name: string }>;
    };
    assert.deepEqual(
      clones.clones.map((c) => c.name),
      [linkedName],
    );
    assert.deepEqual(pageErrors, []);
  });

  it('creates a VM from a disk image with cloud-init through the wizard', async () => {
    const image = join(poolDir, '..', `qximg-bw-${id}.qcow2`);
    execFileSync('qemu-img', ['create', '-f', 'qcow2', image, '96M']);
    try {
      const up = await host.api(`/api/v1/storage/pools/${pool}/files/cloud-${id}.img`, {
        method: 'PUT',
        jar: admin,
        body: readFileSync(image),
        headers: { 'content-type': 'application/octet-stream' },
      });
      assert.equal(up.status, 201, up.text);
    } finally {
      rmSync(image, { force: true });
    }
    await page.getByTestId('create-vm-button').click();
    await page.getByTestId('wizard-name').fill(importedName);
    await page.getByTestId('wizard-vcpus').fill('1');
    await page.getByTestId('wizard-memory').fill('128');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('disk-pool').first().selectOption(pool);
    await page.getByTestId('disk-source').first().selectOption(`image:${pool}/cloud-${id}.img`);
    assert.equal(
      await page.getByTestId('disk-size').first().inputValue(),
      '20',
      'larger than the image: kept',
    );
    await page.getByTestId('disk-size').first().fill('0.05');
    await page.getByTestId('disk-source').first().selectOption('');
    await page.getByTestId('disk-source').first().selectOption(`image:${pool}/cloud-${id}.img`);
    assert.equal(await page.getByTestId('disk-size').first().inputValue(), '0.1', 'grown to the image');
    await page.getByTestId('wizard-next').click(); // CD-ROM: none
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('network-select').selectOption('user');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click(); // boot: disk only
    await page.getByTestId('ci-enabled').check();
    await page.getByTestId('ci-user').fill('ops');
    await page.getByTestId('ci-password').fill('s3cret');
    await page.getByTestId('ci-keys').fill('not a key');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('ci-keys-error').waitFor();
    await page
      .getByTestId('ci-keys')
      .fill('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq0bQyq7RrQ8V6r0m3jzB2kYxg3wJkqg1m8N7o1yH5a qximg@browser');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-review-cloud-init').waitFor();
    assert.match(
      (await page.getByTestId('wizard-review-sources').textContent()) ?? '',
      new RegExp(`disk 1 is a copy of ${pool}/cloud-${id}\\.img`),
    );
    await page.screenshot({ path: join(OUTPUT_DIR, 'vm-wizard-cloud-init-review.png'), fullPage: true });
    await page.getByTestId('wizard-create').click();
    const detail = page.locator(`[data-testid="vm-detail"][data-vm-name="${importedName}"]`);
    await detail.waitFor({ timeout: 120_000 });
    const vms = ((await api('GET', '/vms')).json as { vms: VmSummary[] }).vms;
    const made = VmDetail.parse(
      (await api('GET', `/vms/${vms.find((v) => v.name === importedName)?.uuid}`)).json,
    );
    assert.deepEqual(
      made.disks.map((d) => [d.device, d.volume]),
      [
        ['disk', `${importedName}-disk0.qcow2`],
        ['cdrom', `${importedName}-cidata.iso`],
      ],
    );
    assert.deepEqual(pageErrors, []);
  });
});
