import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  EventList,
  type HostEvent,
  TaskList,
  VmDetail,
  VmHardware,
  VmHardwareResult,
  VmSummary,
} from '@quantix/shared';
import pino from 'pino';
import { z } from 'zod';
import { type LibvirtBus, startLibvirtBus } from '../../host/src/hypervisor/libvirt-bus.ts';
import { ADMIN, type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';

// Start order and delay on libvirt's test driver, through real host processes. On a machine
// libvirtd outlives the host process; here the test runs libvirt-dbus (and with it the test
// driver's VMs) on a bus of its own that every host process of the test uses (QUANTIX_LIBVIRT_BUS),
// and the machine's boot id comes from a file the test writes (QUANTIX_BOOT_ID_FILE).
const SUFFIX = randomBytes(3).toString('hex');
const NAME = { a: `qxboot-${SUFFIX}-a`, b: `qxboot-${SUFFIX}-b`, c: `qxboot-${SUFFIX}-c` };
const DELAY_S = 2;

describe('start order and delay: the host starts ordered VMs once per machine boot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qxboot-'));
  const data = tempDataDir('qxboot-data-');
  const bootIdFile = join(dir, 'boot_id');
  const stateFile = join(data.dir, 'boot-start.json');
  let bus: LibvirtBus | undefined;
  let host: RunningHost | undefined;
  let admin = new CookieJar();
  const uuid: Record<string, string> = {};

  before(async () => {
    bus = await startLibvirtBus({
      runtimeDir: join(dir, 'bus'),
      log: pino({ level: 'silent' }),
      preferSystemBus: false,
      systemBusHasLibvirt: async () => false,
    });
  });
  after(async () => {
    await host?.stop();
    // the test driver's VMs live only in this libvirt-dbus: they go with it
    await bus?.close();
    data.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const newBoot = () => writeFileSync(bootIdFile, `${randomUUID()}\n`);
  const bootId = () => readFileSync(bootIdFile, 'utf8').trim();
  const start = async (first = false) => {
    host = await startHost({
      dataDir: data.dir,
      env: { QUANTIX_LIBVIRT_BUS: bus?.address ?? '', QUANTIX_BOOT_ID_FILE: bootIdFile },
    });
    if (first) admin = await setupAdmin(host);
    else {
      admin = new CookieJar();
      const login = await host.api('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar: admin });
      assert.equal(login.status, 200, login.text);
    }
    await waitForHypervisor(host, admin);
    return host;
  };
  const stop = async () => {
    await host?.stop();
    host = undefined;
  };
  const api = (method: string, path: string, body?: unknown) =>
    (host as RunningHost).api(`/api/v1${path}`, { method, jar: admin, body });
  const vms = async () => {
    const res = await api('GET', '/vms');
    assert.equal(res.status, 200, res.text);
    return new Map(
      z
        .object({ vms: z.array(VmSummary) })
        .parse(res.json)
        .vms.map((v) => [v.name, v]),
    );
  };
  const hw = async (name: string) => VmHardware.parse((await api('GET', `/vms/${uuid[name]}/hardware`)).json);
  const bootEvents = async (): Promise<HostEvent[]> => {
    const res = await api('GET', '/events?category=vm&limit=1000');
    assert.equal(res.status, 200, res.text);
    return EventList.parse(res.json)
      .events.filter((e) => e.source === 'start at boot')
      .sort((x, y) => x.seq - y.seq);
  };
  /** bounded waits: the ordered start takes the delay plus a few starts on the test driver */
  const until = async <T>(what: string, fn: () => Promise<T | undefined>): Promise<T> => {
    for (let i = 0; i < 300; i++) {
      const v = await fn();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const hostSaysDone = () =>
    until('the host to record this boot', async () =>
      existsSync(stateFile) && readFileSync(stateFile, 'utf8').includes(bootId()) ? true : undefined,
    );

  it('the first boot has no ordered VMs: nothing is started; VMs get their order through the API', async () => {
    newBoot();
    await start(true);
    await hostSaysDone();
    for (const name of Object.values(NAME)) {
      const res = await api('POST', '/vms', {
        name,
        vcpus: 1,
        memoryMiB: 128,
        disks: [{ pool: 'default-pool', sizeGiB: 1, format: 'qcow2' }],
        network: { type: 'user' },
        bootOrder: ['hd'],
        autostart: false,
      });
      assert.equal(res.status, 201, res.text);
      uuid[name] = VmDetail.parse(res.json).uuid;
    }
    // b first, so the order is not the order of creation
    for (const [name, order, delaySeconds] of [
      [NAME.b, 2, 0],
      [NAME.a, 1, DELAY_S],
    ] as const) {
      const res = await api('PATCH', `/vms/${uuid[name]}/hardware`, {
        autostart: { enabled: true, order, delaySeconds },
      });
      assert.equal(res.status, 200, res.text);
      const h = VmHardwareResult.parse(res.json).hardware;
      assert.deepEqual([h.autostart, h.autostartBy], [{ enabled: true, order, delaySeconds }, 'host']);
    }
    assert.deepEqual(await bootEvents(), []);
  });

  it('an order clears libvirt’s autostart flag and keeps "starts at boot"; without one libvirt starts it', async () => {
    const c = NAME.c;
    const on = await api('PUT', `/vms/${uuid[c]}/autostart`, { autostart: true });
    assert.equal(on.status, 200, on.text);
    assert.equal(VmSummary.parse(on.json).autostart, true);
    assert.equal((await hw(c)).autostartBy, 'libvirt');

    const patch = await api('PATCH', `/vms/${uuid[c]}/hardware`, {
      autostart: { order: 3, delaySeconds: 5 },
    });
    assert.equal(patch.status, 200, patch.text);
    const r = VmHardwareResult.parse(patch.json).hardware;
    assert.deepEqual(r.autostart, { enabled: true, order: 3, delaySeconds: 5 });
    assert.equal(r.autostartBy, 'host', 'libvirt’s flag is cleared: the host starts it in order');
    assert.equal((await vms()).get(c)?.autostart, true, 'the summary still says it starts at boot');

    const off = await api('PUT', `/vms/${uuid[c]}/autostart`, { autostart: false });
    assert.equal(VmSummary.parse(off.json).autostart, false);
    const h = await hw(c);
    assert.deepEqual([h.autostart, h.autostartBy], [{ enabled: false, order: 3, delaySeconds: 5 }, null]);

    // on again (the host's, as it has an order), then the order removed: libvirt's flag again
    await api('PUT', `/vms/${uuid[c]}/autostart`, { autostart: true });
    assert.equal((await hw(c)).autostartBy, 'host');
    const unordered = await api('PATCH', `/vms/${uuid[c]}/hardware`, { autostart: { order: null } });
    const u = VmHardwareResult.parse(unordered.json).hardware;
    assert.deepEqual([u.autostart.enabled, u.autostartBy], [true, 'libvirt']);
  });

  it('at the first start for a new boot id the host starts them in order, waiting the delay', async () => {
    await stop();
    newBoot();
    await start();
    const events = await until('the ordered start to finish', async () => {
      const e = await bootEvents();
      return e.some((x) => x.message.startsWith('Start at boot: done')) ? e : undefined;
    });
    const startA = events.find((e) => e.message === `VM "${NAME.a}": start`);
    const startB = events.find((e) => e.message === `VM "${NAME.b}": start`);
    assert.ok(startA && startB, JSON.stringify(events.map((e) => e.message)));
    assert.ok(startA.seq < startB.seq, 'order 1 starts before order 2');
    const gap = Date.parse(startB.timestamp) - Date.parse(startA.timestamp);
    assert.ok(
      gap >= DELAY_S * 1000 - 10,
      `b started ${gap} ms after a, before a's ${DELAY_S} s delay was over`,
    );
    assert.match(events.at(-1)?.message ?? '', /done \(2 of 2 running\)/);
    // each start is a task of its VM, in the host's task list
    for (const name of [NAME.a, NAME.b]) {
      const res = await api('GET', `/tasks?target=vm:${uuid[name]}`);
      assert.equal(res.status, 200, res.text);
      const t = TaskList.parse(res.json).tasks.find((x) => x.title.includes('at boot'));
      assert.deepEqual(
        [t?.title, t?.status],
        [`Start VM "${name}" at boot (order ${name === NAME.a ? 1 : 2})`, 'ok'],
      );
    }
    const v = await vms();
    // c is libvirt's (it starts when libvirtd starts, which it did not here): the host leaves it
    assert.deepEqual(
      [NAME.a, NAME.b, NAME.c].map((n) => [v.get(n)?.state, v.get(n)?.autostart]),
      [
        ['running', true],
        ['running', true],
        ['shutoff', true],
      ],
    );
  });

  it('a restart of the host process with the same boot id starts nothing again', async () => {
    for (const name of [NAME.a, NAME.b]) {
      const res = await api('POST', `/vms/${uuid[name]}/actions/destroy`);
      assert.equal(res.status, 200, res.text);
    }
    const before = (await bootEvents()).length;
    await stop();
    await start();
    const logFile = join(data.dir, 'logs', 'quantix-host.log');
    await until('the host to see this boot was done', async () =>
      readFileSync(logFile, 'utf8').includes('ordered start at boot already done for this boot')
        ? true
        : undefined,
    );
    const v = await vms();
    assert.deepEqual(
      [NAME.a, NAME.b].map((n) => v.get(n)?.state),
      ['shutoff', 'shutoff'],
    );
    assert.equal((await bootEvents()).length, before, 'no start at boot this time');
  });
});
