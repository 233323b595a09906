import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HostList, MintedEnrollment, type PingResponse } from '@quantix/shared';
import { type RunningHub, setupHubAdmin, startHub, tempDataDir } from '../support/hub-process.ts';
import { waitFor } from '../support/link-hub.ts';
import {
  type Accel,
  blankDisk,
  chooseAccelerator,
  extractKernel,
  type Firmware,
  type Machine,
  startMachine,
} from '../support/qemu.ts';
import { CookieJar, guestApi } from './guest-api.ts';
import { bootLimitMs, isoUnderTest } from './iso-under-test.ts';

const { iso, info } = isoUnderTest();
/** the management address the installer is given (QEMU's DHCP would give 10.0.2.15) */
const STATIC_ADDRESS = '10.0.2.50';
/** where the guest finds the hub: relayed to the hub on this machine's 127.0.0.1 */
const HUB_IN_GUEST = '10.0.2.100:9443';
const ADMIN = { username: 'admin', password: 'correct horse battery staple' };
const SETUP_CODE = /\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b/;

/**
 * The unattended install, as a datacenter would run it: the ISO's kernel started with
 * `quantix.install=/dev/vda quantix.wipe=1`, a hostname, a static management address and a hub's
 * enrollment string, onto a blank disk; then the disk booted alone under BIOS (reached at its
 * static address only, adopted by the real hub with no click, identity recorded, first admin
 * created), shut down by its power button, booted under UEFI (same identity, the admin logs in,
 * the hub's link back), upgraded in place by the installer (`quantix.upgrade=1`) and booted once
 * more: identity, hostname, address and admin still there.
 *
 * The guest reaches nothing but the hub, relayed from 10.0.2.100:9443 to the hub on 127.0.0.1.
 */
describe('the ISO installs to a disk unattended, and the installed host keeps its identity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qx-iso-install-'));
  const disk = join(dir, 'disk.qcow2');
  let accel: Accel;
  let kernel: { path: string; initrd: string };
  let first: PingResponse | null = null;
  let running: Machine | null = null;
  const hubData = tempDataDir('qx-iso-hub-');
  let hub: RunningHub;
  let hubJar: CookieJar;
  let enrollment = '';

  before(async () => {
    kernel = await extractKernel(iso, dir);
    accel = await chooseAccelerator(kernel.path, dir);
    await blankDisk(disk, 10);
    hub = await startHub({
      dataDir: hubData.dir,
      env: { QUANTIX_HUB_PUBLIC_URL: `https://${HUB_IN_GUEST}` },
    });
    hubJar = await setupHubAdmin(hub);
    const minted = await hub.api('/api/v1/enrollments', {
      method: 'POST',
      body: { label: 'iso test' },
      jar: hubJar,
    });
    assert.equal(minted.status, 201, minted.text);
    enrollment = MintedEnrollment.parse(minted.json).enrollment;
  });
  after(async () => {
    await running?.stop();
    await hub?.stop();
    hubData.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  /** waits (bounded) until the hub lists the host connected over its link */
  const adoptedByHub = (hostId: string) =>
    waitFor(
      `the hub to have ${hostId} connected`,
      async () =>
        HostList.parse((await hub.api('/api/v1/hosts', { jar: hubJar })).json).hosts.find(
          (h) => h.hostId === hostId && h.state === 'connected',
        ),
      bootLimitMs(accel),
    );

  /** the ISO's kernel started with installer `params` (QEMU ends when the guest reboots) */
  async function startInstaller(name: string, params: string): Promise<Machine> {
    running = await startMachine({
      name,
      accel,
      dir,
      firmware: 'bios',
      cdrom: iso,
      disk,
      forward: [],
      noReboot: true,
      kernel: { ...kernel, append: `boot=live components console=tty1 console=ttyS0,115200n8 ${params}` },
    });
    return running;
  }

  /** installs with `params`; resolves with the serial log when the installer rebooted */
  async function install(name: string, params: string): Promise<string> {
    const m = await startInstaller(name, params);
    // the CD is ejected, the page cache dropped, then the machine resets: what runs after the
    // eject must not need the medium (the installer once died there of SIGBUS, never rebooting)
    await m.waitForSerial(
      /ejected \/dev\/sr0; remove it from the drive|quantix-install: .*FAILED/,
      bootLimitMs(accel) * 2,
    );
    assert.doesNotMatch(m.serialLog(), /quantix-install: .*FAILED/, 'the installer reports no failure');
    assert.match(m.serialLog(), /is installed on \/dev\/vda/);
    await m.waitForExit(120_000);
    running = null;
    return m.serialLog();
  }

  /** boots the installed disk alone; resolves with the machine once the appliance answers ping */
  async function boot(name: string, firmware: Firmware) {
    const started = Date.now();
    running = await startMachine({
      name,
      accel,
      dir,
      firmware,
      disk,
      forward: [443],
      // the static address the installer was given: the forward reaches only it
      guestAddress: STATIC_ADDRESS,
      guestRelays: [{ address: '10.0.2.100', port: 9443, to: hub.port }],
    });
    const api = guestApi(`https://127.0.0.1:${running.port(443)}`);
    const { ping, presented } = await api.waitForPing(bootLimitMs(accel));
    console.log(`# ${name} (${accel}): power-on to ping ${((Date.now() - started) / 1000).toFixed(0)} s`);
    assert.equal(presented, ping.spki);
    api.pin(ping.spki);
    return { m: running, api, ping };
  }

  async function shutDown(m: Machine) {
    await m.powerButton();
    await m.waitForExit(180_000);
    running = null;
  }

  it('installs to the blank disk and reboots', async () => {
    const log = await install(
      'install',
      `quantix.install=/dev/vda quantix.wipe=1 quantix.hostname=qx-installed quantix.net=${STATIC_ADDRESS}/24,10.0.2.2,10.0.2.3 quantix.enroll=${enrollment}`,
    );
    for (const step of ['partitioning', 'copying the system', 'boot loader for BIOS and UEFI'])
      assert.match(log, new RegExp(step), `the installer showed the step "${step}"`);
  });

  it('boots from the disk under BIOS at its static address, is adopted by the hub by itself, and takes its first admin', async () => {
    const { m, api, ping } = await boot('disk-bios', 'bios');
    first = ping;
    assert.equal(ping.hostname, 'qx-installed');
    assert.equal(ping.version, info.version);
    await adoptedByHub(ping.hostId);
    const code = (await m.waitForSerial(SETUP_CODE, 120_000))[0];
    const setup = await api.call('/api/v1/setup', {
      method: 'POST',
      body: { code, ...ADMIN },
      jar: new CookieJar(),
    });
    assert.equal(setup.status, 201, setup.text);
    assert.doesNotMatch(
      m.serialLog(),
      /LIVE: running from the ISO/,
      'the installed host does not call itself live',
    );
    api.close();
    await shutDown(m);
  });

  it('reboots under UEFI with the same hostId and key, and the admin still logs in', async () => {
    assert.ok(first, 'the first boot recorded the identity');
    const { m, api, ping } = await boot('disk-uefi', 'uefi');
    assert.equal(ping.hostId, first.hostId);
    assert.equal(ping.spki, first.spki);
    const login = await api.call('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar: new CookieJar() });
    assert.equal(login.status, 200, login.text);
    await adoptedByHub(ping.hostId);
    api.close();
    await shutDown(m);
  });

  it('a disk holding partitions is refused without quantix.wipe, and nothing on it changes', async () => {
    const m = await startInstaller('install-refused', 'quantix.install=/dev/vda');
    await m.waitForSerial(/holds partitions; refusing/, bootLimitMs(accel));
    assert.doesNotMatch(m.serialLog(), /\[1\/6\] partitioning/, 'nothing was partitioned');
    await m.stop();
    running = null;
  });

  it('upgrades the system partition in place; identity and admin stay', async () => {
    assert.ok(first, 'the first boot recorded the identity');
    const log = await install('upgrade', 'quantix.install=/dev/vda quantix.upgrade=1');
    assert.match(log, /its identity and data stay/);
    const { m, api, ping } = await boot('disk-upgraded', 'bios');
    assert.equal(ping.hostId, first.hostId);
    assert.equal(ping.spki, first.spki);
    assert.equal(ping.hostname, 'qx-installed', 'the hostname is kept too');
    const login = await api.call('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar: new CookieJar() });
    assert.equal(login.status, 200, login.text);
    api.close();
    await m.stop();
    running = null;
  });
});
