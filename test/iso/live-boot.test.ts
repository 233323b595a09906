import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LogPage, Task, TaskList } from '@quantix/shared';
import { launchChromium, OUTPUT_DIR } from '../support/browser.ts';
import {
  chooseAccelerator,
  extractKernel,
  type Firmware,
  type Machine,
  startMachine,
} from '../support/qemu.ts';
import type { HttpResponse } from '../support/https-client.ts';
import { CookieJar, guestApi } from './guest-api.ts';
import { bootLimitMs, isoUnderTest } from './iso-under-test.ts';

const { iso, info } = isoUnderTest();

/**
 * A request repeated (bounded) while the host answers 503 HYPERVISOR_UNAVAILABLE. Under software
 * emulation the guest's libvirtd, busy starting its CPU probe guests, sometimes takes longer than
 * the host's 3 s liveness check: the host then says so, and a person would try again.
 */
async function whileUnavailable(send: () => Promise<HttpResponse>): Promise<HttpResponse> {
  let res = await send();
  for (let i = 0; i < 12 && res.status === 503 && /HYPERVISOR_UNAVAILABLE/.test(res.text); i++) {
    console.log(`# libvirt did not answer in time; again in 5 s (${res.text.slice(0, 120)})`);
    await new Promise((r) => setTimeout(r, 5000));
    res = await send();
  }
  return res;
}
/**
 * For a request that failed inside the guest: its newest task's progress and the host's and
 * libvirt's log since `since` (all of it in test-output, the end in the failure's message, which is
 * all a CI run shows).
 */
async function whatTheGuestSaid(api: ReturnType<typeof guestApi>, jar: CookieJar, since: string) {
  const lines: string[] = [];
  try {
    const id = TaskList.parse((await api.call('/api/v1/tasks?limit=1', { jar })).json).tasks[0]?.id;
    if (id) {
      const task = Task.parse((await api.call(`/api/v1/tasks/${id}`, { jar })).json);
      lines.push(`task "${task.title}" ${task.status}:`, ...task.log.map((l) => `  ${l.t} ${l.message}`));
    }
    const q = new URLSearchParams({ since, limit: '300' });
    const page = LogPage.parse((await api.call(`/api/v1/logs?${q}`, { jar })).json);
    const log = page.entries.reverse().map((e) => `${e.timestamp} ${e.level} ${e.source}: ${e.message}`);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(join(OUTPUT_DIR, 'iso-live-vm-create.log'), [...lines, ...log].join('\n'));
    lines.push("the guest's log, newest last:", ...log.slice(-40).map((l) => `  ${l.slice(0, 300)}`));
  } catch (err) {
    lines.push(`(the guest's tasks and log could not be read: ${String(err)})`);
  }
  return lines.join('\n');
}
/** the console banner's fingerprint line and the setup code shown while no admin exists */
const FINGERPRINT = /sha256:[0-9a-f]{64}/;
const SETUP_CODE = /\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b/;

/**
 * The ISO booted from a CD in QEMU, live, under each firmware: the console banner on the serial
 * line names the URL and the key; the appliance answers on the forwarded port with that same key
 * and the image's version; under BIOS also its web UI in chromium, the first admin created with
 * the setup code from the banner, and a VM defined inside through libvirt on the system bus.
 */
const MEDIA: Record<Firmware, string> = {
  bios: 'from a CD under BIOS (SeaBIOS)',
  uefi: 'from a USB stick under UEFI (OVMF)',
};

for (const firmware of ['bios', 'uefi'] as Firmware[]) {
  describe(`the ISO boots live ${MEDIA[firmware]}`, () => {
    const dir = mkdtempSync(join(tmpdir(), `qx-iso-live-${firmware}-`));
    let m: Machine;
    let api: ReturnType<typeof guestApi>;
    let spki = '';
    let poweredOn = 0;

    before(async () => {
      const accel = await chooseAccelerator((await extractKernel(iso, dir)).path, dir);
      poweredOn = Date.now();
      // 3 GiB: live, the root file system is in RAM, and the VM's 1 GiB disk must fit there
      m = await startMachine({
        memoryMiB: 3072,
        name: `live-${firmware}`,
        accel,
        dir,
        firmware,
        // the same image as a CD and, written with dd, as a USB stick
        ...(firmware === 'bios' ? { cdrom: iso } : { usbStick: iso }),
        forward: [443, 8443],
      });
      api = guestApi(`https://127.0.0.1:${m.port(443)}`);
    });
    after(async () => {
      api?.close();
      // the guest's console, kept for a failure that happened inside it (CI keeps test-output)
      if (m) {
        mkdirSync(OUTPUT_DIR, { recursive: true });
        writeFileSync(join(OUTPUT_DIR, `iso-live-${firmware}-serial.log`), m.serialLog());
      }
      await m?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('shows the URL and the certificate fingerprint on the serial console', async () => {
      const banner = await m.waitForSerial(
        new RegExp(`https://\\S+[\\s\\S]{0,400}?(${FINGERPRINT.source})`),
        bootLimitMs(m.accel),
      );
      spki = banner[1] ?? '';
      assert.match(spki, FINGERPRINT);
      console.log(
        `# live ${firmware} (${m.accel}): power-on to banner ${((Date.now() - poweredOn) / 1000).toFixed(0)} s`,
      );
    });

    it('answers ping on the forwarded port with the same key and the version of BUILD_INFO.json', async () => {
      const { ping, presented } = await api.waitForPing(120_000);
      console.log(
        `# live ${firmware} (${m.accel}): power-on to ping ${((Date.now() - poweredOn) / 1000).toFixed(0)} s`,
      );
      assert.equal(presented, spki, 'the key of the TLS handshake is the one the console shows');
      assert.equal(ping.spki, spki, 'ping reports the same key');
      assert.equal(ping.version, info.version);
      assert.equal(ping.commit, info.commit);
      assert.equal(ping.registrationApiSupported, true);
      api.pin(spki);
      // 8443 reaches the same appliance
      const other = await guestApi(`https://127.0.0.1:${m.port(8443)}`).waitForPing(30_000);
      assert.equal(other.presented, spki);
    });

    it('says on the console that it runs live from the ISO', () => {
      assert.match(m.serialLog(), /LIVE: running from the ISO, not installed/);
    });

    if (firmware === 'uefi') return;

    it("loads the web UI's first page in chromium", async () => {
      const chrome = await launchChromium();
      try {
        const page = await chrome.context.newPage();
        await page.goto(`https://127.0.0.1:${m.port(443)}/`);
        await page.waitForURL('**/setup', { timeout: 60_000 });
        await page.locator('#setup-code').waitFor({ timeout: 30_000 });
        await page.screenshot({ path: join(OUTPUT_DIR, 'iso-live-setup.png') });
      } finally {
        await chrome.close();
      }
    });

    it('takes the first admin with the setup code the console shows, and defines a VM through libvirt', async () => {
      const code = m.serialLog().match(SETUP_CODE)?.[0];
      assert.ok(code, 'the banner shows the setup code while no admin exists');
      const jar = new CookieJar();
      const setup = await api.call('/api/v1/setup', {
        method: 'POST',
        body: { code, username: 'admin', password: 'correct horse battery staple' },
        jar,
      });
      assert.equal(setup.status, 201, setup.text);
      // what a person at the console waits for: libvirt-dbus, libvirtd and polkit start on first use
      await m.waitForSerial(/Hypervisor +libvirt answers/, 180_000);
      const pool = await whileUnavailable(() =>
        api.call('/api/v1/storage/pools', {
          method: 'POST',
          body: { type: 'dir', name: 'local', path: '/var/lib/libvirt/images' },
          jar,
        }),
      );
      assert.equal(pool.status, 201, pool.text);
      // the first VM waits for the host's CPU probe, which starts a QEMU guest inside this TCG guest
      // (software emulation: no SVM here, see startMachine); the host goes on without the probes
      // after 60 s, and the request is allowed more for the disk and the definition under TCG
      const asked = new Date().toISOString();
      const vm = await whileUnavailable(() =>
        api.call('/api/v1/vms', {
          method: 'POST',
          timeoutMs: 300_000,
          body: {
            name: 'iso-vm1',
            vcpus: 1,
            memoryMiB: 256,
            disks: [{ pool: 'local', sizeGiB: 1, format: 'qcow2' }],
            network: { type: 'none' },
            bootOrder: ['hd'],
            autostart: false,
          },
          jar,
        }),
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}\n${await whatTheGuestSaid(api, jar, asked)}`);
      });
      if (vm.status !== 201 && vm.status !== 202)
        assert.fail(`${vm.status} ${vm.text}\n${await whatTheGuestSaid(api, jar, asked)}`);
      const list = await api.call('/api/v1/vms', { jar });
      const names = ((list.json as { vms: Array<{ name: string }> }).vms ?? []).map((v) => v.name);
      assert.ok(names.includes('iso-vm1'), `the VM is listed: ${names.join(', ')}`);
    });
  });
}
