import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, OUTPUT_DIR } from '../support/browser.ts';
import { type RunningHost, runCli, startHost } from '../support/host-process.ts';
import { ADMIN, type RunningHub, runHubCli, startHub, tempDataDir } from '../support/hub-process.ts';

/** Waits (bounded) until `read` answers something `done` accepts; returns the last answer. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await read();
  while (!done(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 150));
    v = await read();
  }
  return v;
}

/**
 * The walk through the hub in Debian's chromium, with a real `quantix-hub serve` and two
 * real `quantix-host serve` (libvirt's test driver), through the UI only: set the hub up, add host
 * A by its join string after reviewing its inventory, watch its live CPU chart move, add host B,
 * create a shared `dir` pool and assign it to A only, browse its files through A, and create a
 * VM on it where only A is offered and B is greyed with its reason.
 */
describe('browser: the hub with two real hosts (add, live chart, shared pool, files, placement)', () => {
  const hubData = tempDataDir('qx-hub-fleet-');
  const aData = tempDataDir('qx-hub-fleet-a-');
  const bData = tempDataDir('qx-hub-fleet-b-');
  // the shared directory both hosts "reach": one real directory on this machine
  const shared = tempDataDir('qx-hub-fleet-pool-');
  const poolPath = join(shared.dir, 'library');
  const POOL = 'fleet-lib';
  const SEED = 'seed.iso';
  const UPLOADED = 'uploaded.iso';
  const VM = 'fleet-vm1';
  let hub: RunningHub;
  let hostA: RunningHost;
  let hostB: RunningHost;
  let idA = '';
  let idB = '';
  let chrome: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const csp: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    mkdirSync(poolPath, { recursive: true });
    writeFileSync(join(poolPath, SEED), Buffer.alloc(64 * 1024));
    // the hosts run on this machine: the hub must be allowed to adopt loopback addresses
    // each kept as it starts, so `after` stops those that did when another one fails
    const outcomes = await Promise.allSettled([
      startHub({ dataDir: hubData.dir, env: { QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS: '1' } }).then((h) => {
        hub = h;
      }),
      startHost({ dataDir: aData.dir }).then((h) => {
        hostA = h;
      }),
      startHost({ dataDir: bData.dir }).then((h) => {
        hostB = h;
      }),
    ]);
    for (const o of outcomes) if (o.status === 'rejected') throw o.reason;
    chrome = await launchChromium();
    page = await chrome.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) csp.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await chrome?.close();
    await Promise.all([hub?.stop(), hostA?.stop(), hostB?.stop()]);
    hubData.remove();
    aData.remove();
    bData.remove();
    shared.remove();
  });

  const shot = (name: string) =>
    page.screenshot({ path: join(OUTPUT_DIR, `hub-fleet-${name}.png`), fullPage: true });

  /** A join string minted on the host's console (`quantix-host token`). */
  async function joinOf(host: RunningHost): Promise<string> {
    const cli = await runCli(['token', '--data', host.dataDir]);
    assert.equal(cli.code, 0, cli.stderr);
    const join = /join: +(qx1\.\S+)/.exec(cli.stdout)?.[1];
    assert.ok(join, cli.stdout);
    return join;
  }

  /** Add host → paste the join string → Review (inventory) → Add; answers the new host's id. */
  async function addByJoin(host: RunningHost, name: string): Promise<string> {
    const join = await joinOf(host);
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId('add-host').click();
    await page.getByTestId('add-join').fill(join);
    await page.getByTestId('add-host-review').click();
    await page.getByTestId('host-preview').waitFor({ timeout: 20_000 });
    const hostname = ((await page.getByTestId('preview-hostname').textContent()) ?? '').trim();
    assert.ok(hostname.length > 0, 'the review names the host');
    assert.equal((await page.getByTestId('preview-url').textContent())?.trim(), host.url);
    assert.match((await page.getByTestId('inventory-cpu').textContent()) ?? '', /\d+ threads/);
    assert.match((await page.getByTestId('inventory-memory').textContent()) ?? '', /\d.*[KMGT]i?B/);
    await shot(`review-${name}`);
    await page.getByTestId('add-host-submit').click();
    await page.getByTestId('page-host').waitFor({ timeout: 20_000 });
    const id = /^\/hosts\/([0-9a-f-]{36})$/.exec(new URL(page.url()).pathname)?.[1];
    assert.ok(id, page.url());
    return id;
  }

  it('sets the hub up through its setup page', async () => {
    await page.goto(hub.url);
    await page.waitForURL('**/setup');
    const code = (await runHubCli(['setup-code', '--data', hub.dataDir])).stdout.split('\n')[0] ?? '';
    await page.locator('#setup-code').fill(code);
    await page.locator('#setup-username').fill(ADMIN.username);
    await page.locator('#setup-password').fill(ADMIN.password);
    await page.locator('#setup-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('page-fleet').waitFor({ timeout: 15_000 });
    await page.getByTestId('fleet-empty').waitFor({ timeout: 15_000 });
  });

  it('adds host A by its join string after reviewing its inventory; A is connected in the fleet', async () => {
    idA = await addByJoin(hostA, 'a');
    await page.getByTestId('nav-fleet').click();
    const row = page.locator(`[data-testid="host-row"][data-host-id="${idA}"]`);
    await row.waitFor({ timeout: 15_000 });
    // the adopted host dials the hub at once; the row follows host:changed
    await page
      .locator(`[data-testid="host-row"][data-host-id="${idA}"][data-state="connected"]`)
      .waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('total-hosts-value').textContent(), '1');
    await shot('fleet-a');
  });

  it("shows A's live CPU chart receiving new samples", async () => {
    await page.locator(`[data-testid="host-row"][data-host-id="${idA}"]`).getByTestId('host-link').click();
    await page.getByTestId('page-host').waitFor();
    const chart = page.getByTestId('chart-cpu');
    await chart.waitFor({ timeout: 15_000 });
    const count = async () => Number((await chart.getAttribute('data-samples')) ?? 0);
    const lastT = async () => Number((await chart.getAttribute('data-last-t')) || 0);
    const first = await until(count, (n) => n >= 1);
    assert.ok(first >= 1, 'the chart got its first samples');
    const t0 = await lastT();
    // the host pushes one sample a second while someone watches: a few more must arrive
    const later = await until(count, (n) => n >= first + 3);
    assert.ok(later >= first + 3, `the chart drew new samples: ${first} → ${later}`);
    assert.ok((await lastT()) > t0, 'the newest sample is newer');
    assert.notEqual(await page.getByTestId('value-cpu').textContent(), '—');
    await shot('host-a-charts');
  });

  it('adds host B the same way', async () => {
    idB = await addByJoin(hostB, 'b');
    assert.notEqual(idB, idA);
    await page.getByTestId('nav-fleet').click();
    await page
      .locator(`[data-testid="host-row"][data-host-id="${idB}"][data-state="connected"]`)
      .waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('host-row').count(), 2);
    assert.equal(await page.getByTestId('total-hosts-value').textContent(), '2');
  });

  it('creates a shared dir pool and assigns it to A only: the matrix shows it active on A', async () => {
    await page.getByTestId('nav-pools').click();
    await page.getByTestId('page-pools').waitFor({ timeout: 15_000 });
    await page.getByTestId('create-pool').click();
    await page.getByTestId('pool-type').selectOption('dir');
    await page.getByTestId('pool-name').fill(POOL);
    await page.getByTestId('pool-path').fill(poolPath);
    await page.getByTestId('pool-create-submit').click();
    await page.getByTestId('pool-hosts').waitFor({ timeout: 15_000 });
    assert.equal(new URL(page.url()).pathname, `/pools/${POOL}`);
    const rowOf = (id: string) => page.locator(`[data-testid="pool-host-row"][data-host-id="${id}"]`);
    await rowOf(idA).waitFor();
    assert.equal(await page.getByTestId('pool-host-row').count(), 2, 'one row per host');
    assert.equal(await rowOf(idA).getAttribute('data-assignment'), 'none');
    await rowOf(idA).getByTestId('assign-pool').click();
    await page
      .locator(`[data-testid="pool-host-row"][data-host-id="${idA}"][data-assignment="active"]`)
      .waitFor({ timeout: 30_000 });
    assert.equal(await rowOf(idB).getAttribute('data-assignment'), 'none', 'B stays unassigned');
    assert.equal(await page.getByTestId('pool-host-error').count(), 0);
    await shot('pool-hosts');
  });

  it("A's own status reports the pool running (what placement trusts over the assignment)", async () => {
    await page.locator(`[data-testid="pool-host-row"][data-host-id="${idA}"]`).getByRole('link').click();
    await page.getByTestId('page-host').waitFor();
    await page.getByTestId('tab-pools').click();
    // the apply defines, builds and then starts the pool: a status sent in between says inactive,
    // so the row is awaited in the state A reports once the apply is over
    await page
      .locator(`[data-testid="host-pool-row"][data-name="${POOL}"][data-state="running"]`)
      .waitFor({ timeout: 30_000 });
    await page.goBack();
    await page.getByTestId('pool-hosts').waitFor();
  });

  it("lists the pool's directory in the Files tab, through A", async () => {
    await page.getByTestId('tab-files').click();
    await page.getByTestId('pool-files').waitFor();
    // only A has the pool active: it is the one host offered to browse through
    assert.deepEqual(
      await page
        .getByTestId('files-host')
        .locator('option')
        .evaluateAll((os) => os.map((o) => o.getAttribute('value'))),
      [idA],
    );
    const seed = page.locator(`[data-testid="file-row"][data-name="${SEED}"]`);
    await seed.waitFor({ timeout: 15_000 });
    assert.equal(await seed.getAttribute('data-type'), 'iso');
    await shot('pool-files');
  });

  it('uploads an ISO through the hub to A, into the shared directory', async () => {
    // 2 MiB: more than one of the link's chunks; an ISO 9660 descriptor where the host looks
    const iso = Buffer.alloc(2 * 1024 * 1024);
    iso.write('\x01CD001\x01', 0x8000, 'latin1');
    const local = join(shared.dir, UPLOADED);
    writeFileSync(local, iso);
    await page.getByTestId('file-upload-input').setInputFiles(local);
    const row = page.locator(`[data-testid="file-row"][data-name="${UPLOADED}"]`);
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.getAttribute('data-type'), 'iso');
    // the bytes are on the storage every assigned host reaches
    assert.deepEqual(readFileSync(join(poolPath, UPLOADED)), iso);
  });

  it('creates a VM on the pool: A offered, B greyed because the pool is not assigned to it', async () => {
    await page.getByTestId('nav-vm-new').click();
    await page.getByTestId('page-vm-new').waitFor({ timeout: 15_000 });
    await page.locator(`[data-testid="wizard-pool"][data-name="${POOL}"]`).check();
    await page.getByTestId('candidates').waitFor({ timeout: 15_000 });
    const candidate = (id: string) => page.locator(`[data-testid="candidate"][data-host-id="${id}"]`);
    assert.equal(await page.getByTestId('candidate').count(), 2);
    assert.equal(await candidate(idA).getAttribute('data-eligible'), 'true');
    assert.equal(await candidate(idB).getAttribute('data-eligible'), 'false');
    assert.equal(
      await candidate(idB).locator('input[type="radio"]').isDisabled(),
      true,
      'B cannot be chosen',
    );
    assert.match((await candidate(idB).getByTestId('refusals').textContent()) ?? '', /not assigned/);
    // the one eligible host is preselected
    await until(
      () => candidate(idA).locator('input[type="radio"]').isChecked(),
      (v) => v,
      15_000,
    );
    assert.equal(await candidate(idA).locator('input[type="radio"]').isChecked(), true);
    await page.getByTestId('wizard-details').waitFor();
    assert.equal(await page.getByTestId('vm-disk-pool').inputValue(), POOL);
    await page.getByTestId('vm-name').fill(VM);
    await page.getByTestId('vm-disk-size').fill('1');
    await page.getByTestId('vm-network').selectOption('none');
    // the pool's ISO, as A lists it, is offered for the CD-ROM (not chosen: libvirt's test driver
    // knows no volume for a file put in the directory behind its back, so the host would refuse it)
    await page
      .locator(`[data-testid="vm-iso"] option[value="${POOL}/${SEED}"]`)
      .waitFor({ state: 'attached', timeout: 15_000 });
    await shot('vm-wizard');
    await page.getByTestId('wizard-create').click();
    // a created VM leads to its host's VMs tab; a refusal is shown instead
    const outcome = await until(
      async () =>
        new URL(page.url()).pathname === `/hosts/${idA}`
          ? 'created'
          : (((await page.getByTestId('create-error').count()) > 0
              ? await page.getByTestId('create-error').textContent()
              : null) ??
            ((await page.locator('.field-error').count()) > 0
              ? await page
                  .locator('.field-error')
                  .allTextContents()
                  .then((t) => t.join(' | '))
              : null)),
      (v) => v !== null,
    );
    if (outcome !== 'created') await shot('vm-create-failed');
    assert.equal(outcome, 'created');
    assert.equal(new URL(page.url()).search, '?tab=vms');
    await page.locator(`[data-testid="vm-row"][data-vm-name="${VM}"]`).waitFor({ timeout: 15_000 });
    await shot('host-a-vms');
  });

  it('ran without CSP violations or uncaught errors', () => {
    assert.deepEqual(csp, []);
    assert.deepEqual(pageErrors, []);
  });
});
