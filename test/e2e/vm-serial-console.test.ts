import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HistorySeries, SerialServerMessage } from '@quantix/shared';
import { WebSocket } from 'ws';
import { ensureLibvirtd } from '../support/libvirtd.ts';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';
import { defineSerialGuest } from '../support/serial-guest.ts';

/** One serial console viewer: what it received (terminal text and control messages). */
interface Viewer {
  ws: WebSocket;
  text: () => string;
  modes: string[];
  ends: string[];
  closed: Promise<void>;
  /** resolves once the terminal text from offset `from` on matches `re` (bounded) */
  waitText(re: RegExp, from?: number): Promise<string>;
}

describe('serial console on a real libvirt daemon (SeaBIOS on ttyS0)', () => {
  const data = tempDataDir('qxhist-serial-');
  let daemon: ReturnType<typeof ensureLibvirtd>;
  let host: RunningHost;
  let admin: CookieJar;
  let guest: ReturnType<typeof defineSerialGuest>;
  const sockets: WebSocket[] = [];

  before(async () => {
    daemon = ensureLibvirtd();
    assert.equal(daemon.uri, 'qemu:///system', 'a real libvirt daemon must run for this suite (run as root)');
    guest = defineSerialGuest('qxhist');
    host = await startHost({ dataDir: data.dir, env: { QUANTIX_LIBVIRT_URI: 'qemu:///system' } });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    guest?.remove();
    await host?.stop();
    daemon?.stop();
    data.remove();
  });

  const api = (method: string, path: string) =>
    host.api(`/api/v1${path}`, { method, jar: admin, timeoutMs: 120_000 });
  const url = () => `wss://127.0.0.1:${host.port}/api/v1/vms/${guest.uuid}/serial`;

  const open = (): Promise<Viewer> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url(), {
        ca: host.ca,
        headers: { cookie: admin.header(), origin: host.origin },
      });
      sockets.push(ws);
      let text = '';
      const modes: string[] = [];
      const ends: string[] = [];
      const waiters = new Set<() => void>();
      ws.on('message', (d: Buffer, binary: boolean) => {
        if (binary) text += d.toString('latin1');
        else {
          const m = SerialServerMessage.parse(JSON.parse(d.toString('utf8')));
          if (m.type === 'mode') modes.push(m.mode);
          else ends.push(m.reason);
        }
        for (const w of waiters) w();
      });
      const closed = new Promise<void>((r) => ws.once('close', () => r()));
      ws.once('open', () =>
        resolve({
          ws,
          text: () => text,
          modes,
          ends,
          closed,
          waitText: (re, from = 0) =>
            new Promise((res, rej) => {
              const check = () => {
                const m = re.exec(text.slice(from));
                if (m) {
                  waiters.delete(check);
                  clearTimeout(timer);
                  res(m[0]);
                }
              };
              const timer = setTimeout(() => {
                waiters.delete(check);
                rej(new Error(`no ${re} in ${JSON.stringify(text.slice(-300))}`));
              }, 90_000);
              waiters.add(check);
              check();
            }),
        }),
      );
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });

  const status = (headers: Record<string, string>): Promise<number> =>
    new Promise((resolve) => {
      const ws = new WebSocket(url(), { ca: host.ca, headers });
      sockets.push(ws);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });

  it('refuses a VM that is not running', async () => {
    assert.equal(await status({ cookie: admin.header(), origin: host.origin }), 409);
  });

  it('shows what the guest writes on ttyS0 and delivers the keys typed', async () => {
    const res = await api('POST', `/vms/${guest.uuid}/actions/start`);
    assert.ok(res.status < 300, res.text);
    const first = await open();
    await first.waitText(/Press ESC for boot menu/);
    assert.equal(first.modes.at(-1), 'write');
    // a second viewer sees the same output but may not type
    const second = await open();
    await second.waitText(/./);
    assert.equal(second.modes.at(-1), 'read-only');
    // ESC from the read-only viewer at the prompt is dropped: the round ends without a menu
    let mark = first.text().length;
    await first.waitText(/Press ESC for boot menu/, mark);
    second.ws.send(Buffer.from('\x1b'));
    const after = first.text().length;
    await first.waitText(/No bootable device/, after);
    assert.doesNotMatch(first.text().slice(mark), /Select boot device/);
    // ESC from the writer at the prompt: SeaBIOS (through sgabios, which reads the serial line)
    // opens its boot menu
    mark = first.text().length;
    await first.waitText(/Press ESC for boot menu/, mark);
    first.ws.send(Buffer.from('\x1b'));
    await first.waitText(/Select boot device/, mark);
    await second.waitText(/Select boot device/);
    // the writer leaves: the read-only viewer is promoted
    first.ws.close();
    await first.closed;
    for (let i = 0; i < 100 && second.modes.at(-1) !== 'write'; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(second.modes.at(-1), 'write');
    second.ws.close();
    await second.closed;
  });

  it('refuses a WebSocket without a session or from a foreign origin', async () => {
    assert.equal(await status({ origin: host.origin }), 401);
    assert.equal(await status({ cookie: admin.header(), origin: 'https://evil.example' }), 403);
    assert.equal(await status({ cookie: admin.header() }), 403);
  });

  it('records the running VM’s history from the bulk stats call (CPU, memory, disk)', async () => {
    let s: HistorySeries | null = null;
    const known = (x: HistorySeries, m: string) =>
      x.points.filter((p) => p.avg[x.metrics.indexOf(m)] !== null);
    for (let i = 0; i < 60; i++) {
      s = HistorySeries.parse((await api('GET', `/vms/${guest.uuid}/history?range=hour`)).json);
      if (known(s, 'cpu').length > 0 && known(s, 'diskRead').length > 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(s);
    assert.ok(known(s, 'cpu').length > 0, 'CPU points in the hour');
    assert.ok(known(s, 'memUsed').length > 0, 'memory points');
    // the CD drive's counters come with the same call (block stats group)
    assert.ok(known(s, 'diskRead').length > 0, 'disk points');
    const day = HistorySeries.parse((await api('GET', `/vms/${guest.uuid}/history?range=day`)).json);
    assert.ok(known(day, 'cpu').length > 0, 'the minute being filled is in the day');
  });

  it('ends the console when the VM stops', async () => {
    const viewer = await open();
    const res = await api('POST', `/vms/${guest.uuid}/actions/destroy`);
    assert.ok(res.status < 300, res.text);
    await viewer.closed;
    assert.equal(viewer.ends.length, 1);
  });
});
