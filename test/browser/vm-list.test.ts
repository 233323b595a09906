import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VmDetail } from '@quantix/shared';
import type { Page } from 'playwright-core';
import { OUTPUT_DIR } from '../support/browser.ts';
import { type AdminHost, startAdminHost } from '../support/admin-host.ts';
import { type AdminPage, openAdminPage } from '../support/browser-host.ts';
import { type RunningHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';

// In Debian's chromium against the real host on libvirt's test driver: the VM list's search,
// sort and filters, tags, a bulk start behind one confirmation, and the task list.
describe('browser: the VM list at scale, tags and tasks', () => {
  const data = tempDataDir('qxtask-');
  const prefix = `qxtask-${randomBytes(3).toString('hex')}`;
  const name = (n: string) => `${prefix}-${n}`;
  // name → vCPUs and tags
  const vms: Record<string, { vcpus: number; tags: string[] }> = {
    alpha: { vcpus: 3, tags: ['prod', 'web'] },
    beta: { vcpus: 1, tags: ['web'] },
    gamma: { vcpus: 4, tags: ['db'] },
    delta: { vcpus: 2, tags: [] },
  };
  const uuids: Record<string, string> = {};
  let qx: AdminHost | undefined;
  let web: AdminPage | undefined;
  let host: RunningHost;
  let admin: CookieJar;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    qx = await startAdminHost({ dataDir: data.dir });
    ({ host, admin } = qx);
    for (const [n, v] of Object.entries(vms)) {
      const res = await host.api('/api/v1/vms', {
        method: 'POST',
        jar: admin,
        body: {
          name: name(n),
          vcpus: v.vcpus,
          memoryMiB: 128,
          disks: [{ pool: 'default-pool', sizeGiB: 1, format: 'qcow2' }],
          network: { type: 'none' },
          bootOrder: ['hd'],
          autostart: false,
        },
      });
      assert.equal(res.status, 201, res.text);
      const uuid = VmDetail.parse(res.json).uuid;
      uuids[n] = uuid;
      if (v.tags.length) {
        const t = await host.api(`/api/v1/vms/${uuid}/tags`, {
          method: 'PUT',
          jar: admin,
          body: { tags: v.tags },
        });
        assert.equal(t.status, 200, t.text);
      }
    }
    web = await openAdminPage(qx, pageErrors);
    page = web.page;
  });
  after(async () => {
    await web?.close();
    await qx?.stop();
    data.remove();
  });

  const rowNames = async () =>
    page
      .locator('[data-testid="vm-row"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-vm-name')));
  const ours = async () =>
    (await rowNames()).filter((n) => n?.startsWith(prefix)).map((n) => n?.slice(prefix.length + 1));
  /** waits until the rows are `want` (bounded), then compares */
  const expectRows = async (want: string[], what: string) => {
    for (let i = 0; i < 100 && JSON.stringify(await ours()) !== JSON.stringify(want); i++)
      await page.waitForTimeout(50);
    assert.deepEqual(await ours(), want, what);
  };

  it('searches, sorts by a column both ways, and filters by state and tag', async () => {
    await page.goto(`${host.url}/vms`);
    await page
      .locator(`[data-testid="vm-row"][data-vm-name="${name('delta')}"]`)
      .waitFor({ timeout: 15_000 });
    // the test driver's own VM ("test", running) is listed too
    assert.equal(await page.locator('[data-testid="vm-row"]').count(), 5);
    await expectRows(['alpha', 'beta', 'delta', 'gamma'], 'by name at first');

    await page.getByTestId('vm-search').fill('gam');
    await expectRows(['gamma'], 'search by name');
    await page.getByTestId('vm-search').fill('prod');
    await expectRows(['alpha'], 'search finds tags too');
    await page.getByTestId('vm-filter-clear').click();

    await page.getByTestId('sort-name').locator('button').click();
    await expectRows(['gamma', 'delta', 'beta', 'alpha'], 'name descending');
    assert.equal(await page.getByTestId('sort-name').getAttribute('aria-sort'), 'descending');
    await page.getByTestId('sort-vcpus').locator('button').click();
    await expectRows(['beta', 'delta', 'alpha', 'gamma'], 'vCPUs ascending');
    await page.getByTestId('sort-vcpus').locator('button').click();
    await expectRows(['gamma', 'alpha', 'delta', 'beta'], 'vCPUs descending');

    await page.getByTestId('vm-tag-filter').selectOption('web');
    await expectRows(['alpha', 'beta'], 'tag web');
    await page.getByTestId('vm-filter-clear').click();
    // a tag in a row filters by it
    await page.locator(`[data-testid="vm-row"][data-vm-name="${name('gamma')}"] .tag`).click();
    assert.equal(await page.getByTestId('vm-tag-filter').inputValue(), 'db');
    await expectRows(['gamma'], 'tag db from the row');
    await page.getByTestId('vm-filter-clear').click();

    await page.getByTestId('vm-state-filter').selectOption('on');
    for (let i = 0; i < 100 && (await rowNames()).length !== 1; i++) await page.waitForTimeout(50);
    assert.deepEqual(await rowNames(), ['test'], 'only the fixture VM runs');
    await page.getByTestId('vm-filter-clear').click();
    await page.getByTestId('sort-name').locator('button').click();
    await expectRows(['alpha', 'beta', 'delta', 'gamma'], 'by name again');
    await page.screenshot({ path: join(OUTPUT_DIR, 'vm-list-filters.png'), fullPage: true });
  });

  it('starts the selected VMs after one confirmation, with each VM’s result', async () => {
    for (const n of [name('alpha'), name('beta'), 'test'])
      await page.locator(`[data-testid="vm-row"][data-vm-name="${n}"] [data-testid="vm-select"]`).check();
    assert.match((await page.getByTestId('bulk-bar').textContent()) ?? '', /3 VMs selected/);
    await page.getByTestId('bulk-start').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.count(), 1, 'one confirmation for all');
    assert.match((await dialog.textContent()) ?? '', /Start 3 VMs\?/);
    // nothing started before the yes
    assert.equal(
      await page
        .locator(`[data-testid="vm-row"][data-vm-name="${name('alpha')}"]`)
        .getAttribute('data-state'),
      'shutoff',
    );
    await page.getByTestId('confirm-accept').click();
    await dialog.waitFor({ state: 'detached', timeout: 15_000 });
    const result = (n: string) => page.locator(`[data-testid="bulk-result"][data-vm-name="${n}"]`);
    await result('test').waitFor({ timeout: 15_000 });
    assert.equal(await result(name('alpha')).getAttribute('data-outcome'), 'ok');
    assert.equal(await result(name('beta')).getAttribute('data-outcome'), 'ok');
    // the running VM is not sent a start: said so, and the others went on
    assert.equal(await result('test').getAttribute('data-outcome'), 'skipped');
    for (const n of ['alpha', 'beta'])
      await page
        .locator(`[data-testid="vm-row"][data-vm-name="${name(n)}"][data-state="running"]`)
        .waitFor({ timeout: 15_000 });
    assert.equal(
      await page
        .locator(`[data-testid="vm-row"][data-vm-name="${name('delta')}"]`)
        .getAttribute('data-state'),
      'shutoff',
    );
    await page.screenshot({ path: join(OUTPUT_DIR, 'vm-list-bulk.png'), fullPage: true });
  });

  it('edits a VM’s tags on its page, refusing a bad one', async () => {
    await page.goto(`${host.url}/vms/${uuids.delta}`);
    // its own task history is on its page
    await page.getByTestId('vm-task').first().waitFor({ timeout: 15_000 });
    assert.match(
      (await page.getByTestId('vm-tasks').textContent()) ?? '',
      new RegExp(`Create VM "${name('delta')}"`),
    );
    await page.getByTestId('vm-tags-edit').click();
    await page.getByTestId('vm-tags-input').fill('Bad Tag!');
    await page.getByTestId('vm-tags-save').click();
    await page.getByTestId('vm-tags-error').waitFor();
    await page.getByTestId('vm-tags-input').fill('backup, web');
    await page.getByTestId('vm-tags-save').click();
    await page.locator('[data-testid="vm-tag"]').nth(1).waitFor({ timeout: 15_000 });
    assert.deepEqual(await page.locator('[data-testid="vm-tag"]').allTextContents(), ['backup', 'web']);
    const listed = (await host.api('/api/v1/vms', { jar: admin })).json as {
      vms: Array<{ uuid: string; tags: string[] }>;
    };
    assert.deepEqual(listed.vms.find((v) => v.uuid === uuids.delta)?.tags, ['backup', 'web']);
  });

  it('lists the tasks, in the bar and on the Tasks page, each with its log', async () => {
    const bar = page.getByTestId('recent-tasks');
    await bar.waitFor();
    await page.getByTestId('recent-tasks-toggle').click();
    await page.getByTestId('recent-task').first().waitFor({ timeout: 15_000 });
    assert.ok((await page.getByTestId('recent-task').count()) >= 1);
    await page.getByTestId('recent-tasks-all').click();
    await page.getByTestId('task-list').waitFor({ timeout: 15_000 });
    const row = page.locator('[data-testid="task-row"]', { hasText: `Create VM "${name('gamma')}"` });
    assert.equal(await row.getAttribute('data-status'), 'ok');
    await row.click();
    const dialog = page.getByTestId('task-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('task-log-line').first().waitFor({ timeout: 15_000 });
    assert.match((await dialog.textContent()) ?? '', /user:admin@/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'tasks-page.png'), fullPage: true });
    await page.getByTestId('task-dialog-close').click();

    // a task started elsewhere appears at once, pushed
    const res = await host.api(`/api/v1/vms/${uuids.beta}`, { method: 'DELETE', jar: admin });
    assert.equal(res.status, 409, 'a running VM is not deleted: a failed task');
    const failed = page.locator('[data-testid="task-row"][data-status="failed"]', { hasText: name('beta') });
    await failed.waitFor({ timeout: 15_000 });
    assert.deepEqual(pageErrors, []);
  });
});
