import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { OUTPUT_DIR } from '../support/browser.ts';
import { type AdminHost, startAdminHost } from '../support/admin-host.ts';
import { type AdminPage, openAdminPage } from '../support/browser-host.ts';
import { type RunningHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { defineSerialGuest } from '../support/serial-guest.ts';

/** Key events (keysym, down) in what the browser sent on the VNC socket: RFB KeyEvent or QEMU's extended one. */
function keyEvents(frames: readonly Buffer[], keysyms: ReadonlySet<number>): [number, boolean][] {
  const out: [number, boolean][] = [];
  for (const b of frames) {
    for (let i = 0; i + 8 <= b.length; i++) {
      // QEMU extended key event: 255, 0, down (u16), keysym (u32), keycode (u32)
      if (b[i] === 255 && b[i + 1] === 0 && i + 12 <= b.length) {
        const keysym = b.readUInt32BE(i + 4);
        if (keysyms.has(keysym) && b[i + 2] === 0 && (b[i + 3] === 0 || b[i + 3] === 1)) {
          out.push([keysym, b[i + 3] === 1]);
          i += 11;
          continue;
        }
      }
      // RFB KeyEvent: 4, down, 0, 0, keysym (u32)
      if (b[i] === 4 && (b[i + 1] === 0 || b[i + 1] === 1) && b[i + 2] === 0 && b[i + 3] === 0) {
        const keysym = b.readUInt32BE(i + 4);
        if (keysyms.has(keysym)) {
          out.push([keysym, b[i + 1] === 1]);
          i += 7;
        }
      }
    }
  }
  return out;
}

// In Debian's chromium against the real host on a real libvirtd: SeaBIOS writes on ttyS0.
describe('browser: serial console, VNC keys, metrics history', () => {
  const data = tempDataDir('qxhist-browser-');
  let qx: AdminHost | undefined;
  let web: AdminPage | undefined;
  let host: RunningHost;
  let admin: CookieJar;
  let guest: ReturnType<typeof defineSerialGuest>;
  let page: Page;
  const pageErrors: string[] = [];
  const vncSent: Buffer[] = [];

  before(async () => {
    qx = await startAdminHost({ dataDir: data.dir, libvirt: 'system' });
    ({ host, admin } = qx);
    guest = defineSerialGuest('qxhist');
    const started = await host.api(`/api/v1/vms/${guest.uuid}/actions/start`, {
      method: 'POST',
      jar: admin,
      timeoutMs: 120_000,
    });
    assert.ok(started.status < 300, started.text);
    web = await openAdminPage(qx, pageErrors, { policyErrors: true });
    page = web.page;
    // the probe: every frame the page sends on the VNC console's WebSocket
    page.on('websocket', (ws) => {
      if (!ws.url().endsWith('/console')) return;
      ws.on('framesent', (f) => {
        if (typeof f.payload !== 'string') vncSent.push(Buffer.from(f.payload));
      });
    });
  });

  /** The key events for `keysyms` sent on the console, waiting (bounded) until `count` have gone out. */
  async function sentKeys(keysyms: readonly number[], count: number): Promise<[number, boolean][]> {
    const want = new Set(keysyms);
    let got = keyEvents(vncSent, want);
    for (let i = 0; i < 50 && got.length < count; i++) {
      await page.waitForTimeout(100);
      got = keyEvents(vncSent, want);
    }
    return got;
  }

  after(async () => {
    await web?.close();
    guest?.remove();
    await qx?.stop();
    data.remove();
  });

  // the rows' text, one after another (no newlines; the patterns sought are within a line)
  const terminalText = async () =>
    (await page.locator('[data-testid="serial-terminal"] .xterm-rows').textContent()) ?? '';

  it('shows the guest’s serial output in xterm.js, and a key pressed there reaches the guest', async () => {
    await page.goto(`${host.url}/vms/${guest.uuid}?tab=serial`);
    await page.locator('[data-testid="serial-status"][data-state="connected"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('serial-status').getAttribute('data-mode'), 'write');
    const prompt = /Press ESC for boot menu/;
    let text = '';
    for (let i = 0; i < 300 && !prompt.test(text); i++) {
      await page.waitForTimeout(200);
      text = await terminalText();
    }
    assert.match(text, prompt, 'SeaBIOS’s prompt in the terminal');
    // xterm's own styles applied under the strict CSP (through the style stand-in)
    const font = await page
      .locator('[data-testid="serial-terminal"] .xterm-rows')
      .evaluate((el) => getComputedStyle(el).fontFamily);
    assert.match(font, /monospace/);
    // at the next round's prompt (the BIOS clears the screen as it reboots), press Escape in the
    // terminal: the boot menu opens
    await page.getByTestId('serial-terminal').click();
    for (let i = 0; i < 300 && prompt.test(text); i++) {
      await page.waitForTimeout(50);
      text = await terminalText();
    }
    for (let i = 0; i < 600 && !prompt.test(text); i++) {
      await page.waitForTimeout(50);
      text = await terminalText();
    }
    assert.match(text, prompt, 'the prompt came back');
    await page.keyboard.press('Escape');
    for (let i = 0; i < 100 && !/Select boot device/.test(text); i++) {
      await page.waitForTimeout(200);
      text = await terminalText();
    }
    assert.match(text, /Select boot device/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'vm-serial-console.png'), fullPage: true });
  });

  it('sends Ctrl+Alt+Del and text pasted as keys on the VNC console', async () => {
    await page.goto(`${host.url}/vms/${guest.uuid}?tab=console`);
    await page.locator('[data-testid="console-status"][data-state="connected"]').waitFor({ timeout: 30_000 });
    const ctrl = 0xffe3;
    const alt = 0xffe9;
    const del = 0xffff;
    vncSent.length = 0;
    await page.getByTestId('console-keys').selectOption('ctrl-alt-del');
    const want: [number, boolean][] = [
      [ctrl, true],
      [alt, true],
      [del, true],
      [del, false],
      [alt, false],
      [ctrl, false],
    ];
    assert.deepEqual(await sentKeys([ctrl, alt, del], want.length), want);

    vncSent.length = 0;
    await page.getByTestId('console-paste').click();
    await page.getByTestId('console-paste-text').fill('aB');
    await page.getByTestId('console-paste-type').click();
    await page.getByTestId('console-paste-dialog').waitFor({ state: 'detached', timeout: 10_000 });
    const shift = 0xffe1;
    // the dialog closes as the last key goes out; its frame may be seen a moment later
    assert.deepEqual(await sentKeys([0x61, 0x42, shift], 6), [
      [0x61, true],
      [0x61, false],
      [shift, true],
      [0x42, true],
      [0x42, false],
      [shift, false],
    ]);
  });

  it('draws the host’s history on the dashboard and switches its range', async () => {
    await page.goto(`${host.url}/`);
    const cpu = page.getByTestId('history-panel').getByTestId('history-cpu');
    await cpu.waitFor({ timeout: 20_000 });
    let samples = 0;
    for (let i = 0; i < 60 && samples === 0; i++) {
      samples = Number(await cpu.getAttribute('data-samples'));
      if (samples === 0) await page.waitForTimeout(500);
    }
    assert.ok(samples > 0, 'points in the hour chart');
    await page.getByTestId('history-range-day').click();
    await page.locator('[data-testid="history-charts"][data-range="day"]').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(OUTPUT_DIR, 'dashboard-history.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
