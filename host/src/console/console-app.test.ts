import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import type { ServiceView } from './banner.ts';
import { createConsoleApp } from './console-app.ts';
import { fakeControl, fakeSystemActions, fakeTerminal, STATUS, TOKEN } from './fake-system.test-helper.ts';
import { NETWORK_FILE } from './network-config.ts';
import { terminalQr } from './qr-code.ts';

const dir = mkdtempSync(join(tmpdir(), 'qx-console-app-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A console on fake streams, a fake control and fake actions; `view` is what the next poll sees. */
function start(opts: { rows?: number; logs?: string; pollMs?: number } = {}) {
  const t = fakeTerminal({ cols: 80, rows: opts.rows ?? 24 });
  const controlCalls: string[] = [];
  const control = fakeControl(controlCalls);
  const system = fakeSystemActions(dir, opts.logs);
  const state: { view: ServiceView; polls: number } = { view: { kind: 'up', status: STATUS }, polls: 0 };
  const app = createConsoleApp({
    term: t.term,
    service: async () => {
      state.polls += 1;
      return state.view;
    },
    control,
    actions: system.actions,
    live: () => false,
    qr: terminalQr,
    pollMs: opts.pollMs ?? 10,
  });
  const done = app.run();
  return {
    ...t,
    state,
    controlCalls,
    system,
    async stop() {
      t.end();
      await done;
    },
  };
}

const banners = (c: ReturnType<typeof start>) => c.screens().filter((s) => s.includes('[O] Power off'));

describe('console menu', () => {
  it('draws the banner once while nothing changes, and again when something does', async () => {
    const c = start();
    await c.waitFor(STATUS.spki);
    const polled = c.state.polls;
    while (c.state.polls < polled + 5) await new Promise((r) => setTimeout(r, 5));
    assert.equal(banners(c).length, 1, 'five polls of the same status: no redraw');
    c.state.view = { kind: 'up', status: { ...STATUS, hypervisorAvailable: false } };
    await c.waitFor('libvirt is not answering');
    assert.equal(banners(c).length, 2);
    c.state.view = { kind: 'down', why: 'absent', hostname: 'qx-test', addresses: [] };
    await c.waitFor('The Quantix host service is not running');
    c.state.view = { kind: 'up', status: STATUS };
    await c.waitFor(/not running[\s\S]*Hypervisor +libvirt answers/);
    assert.equal(banners(c).length, 4);
    await c.stop();
  });

  it('T mints a token and shows its join string with a QR code', async () => {
    const c = start({ rows: 60 });
    await c.waitFor(STATUS.spki);
    c.type('t');
    await c.waitFor('Press any key to return.');
    const screen = c.screens().at(-1) ?? '';
    assert.ok(screen.includes(`\n${TOKEN.join}\n`), 'the join string on a line of its own');
    assert.match(screen, /█{20,}/, 'a QR code of block characters');
    assert.deepEqual(c.controlCalls, ['token']);
    c.type('x');
    await c.waitFor(/Press any key to return\.[\s\S]*\[O\] Power off/);
    await c.stop();
  });

  it('T on a 24-row terminal shows the QR code on its own screen after Q', async () => {
    const c = start({ rows: 24 });
    await c.waitFor(STATUS.spki);
    c.type('T');
    await c.waitFor('[Q] shows it as a QR code');
    assert.ok(!(c.screens().at(-1) ?? '').includes('█'));
    c.type('q');
    await c.waitFor('The join string as a QR code');
    assert.match(c.screens().at(-1) ?? '', /█{20,}/);
    await c.stop();
  });

  it('N writes a static management network, asking again for what does not parse', async () => {
    const c = start();
    await c.waitFor(STATUS.spki);
    c.type('n');
    await c.waitFor('Interface [1]: ');
    assert.match(c.text(), /1\) enp2s0 .*up +192\.168\.10\.7\/24 +\(management now\)/);
    c.type('2\r');
    await c.waitFor('[D]HCP or [S]tatic');
    c.type('s\r');
    await c.waitFor('Address/prefix');
    c.type('192.168.20.7\r');
    await c.waitFor('expected an address with its prefix length');
    c.type('192.168.20.7/24\r');
    await c.waitFor('Gateway');
    c.type('192.168.30.1\r');
    await c.waitFor('is not in 192.168.20.7/24');
    c.type('192.168.20.1\r');
    await c.waitFor('DNS servers');
    c.type('1.1.1.1 9.9.9.9\r');
    await c.waitFor('Apply this now? [y/N]');
    assert.match(c.text(), /enp3s0: 192\.168\.20\.7\/24, gateway 192\.168\.20\.1, DNS 1\.1\.1\.1 9\.9\.9\.9/);
    c.type('y');
    await c.waitFor('Applied: ');
    assert.equal(
      readFileSync(join(dir, NETWORK_FILE), 'utf8').split('[Match]')[1],
      '\nName=enp3s0\n\n[Network]\nAddress=192.168.20.7/24\nGateway=192.168.20.1\nDNS=1.1.1.1\nDNS=9.9.9.9\n',
    );
    await c.stop();
  });

  it('N with DHCP on the management interface; Esc cancels without writing', async () => {
    const c = start();
    await c.waitFor(STATUS.spki);
    c.type('n');
    await c.waitFor('Interface [1]: ');
    c.type('\r\r');
    await c.waitFor('Apply this now?');
    c.type('y');
    await c.waitFor('Applied: enp2s0: DHCP');
    c.type(' n');
    await c.waitFor(/Applied[\s\S]*Interface \[1\]: /);
    const before = banners(c).length;
    c.type('\x1b');
    while (banners(c).length === before) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(c.system.calls, ['network enp2s0 dhcp']);
    await c.stop();
  });

  it('O asks first: n cancels, y powers off; B likewise reboots', async () => {
    const c = start();
    await c.waitFor(STATUS.spki);
    c.type('o');
    await c.waitFor('Power off this host? [y/N]');
    c.type('n');
    await c.waitFor(/\[y\/N\] \n[\s\S]*\[O\] Power off/);
    assert.deepEqual(c.system.calls, []);
    c.type('O');
    await c.waitFor(/\[y\/N\][\s\S]*\[y\/N\] /);
    c.type('y');
    await c.waitFor('The host is powering off.');
    c.type(' b');
    await c.waitFor('Reboot this host? [y/N]');
    c.type('Y');
    await c.waitFor('The host is rebooting.');
    assert.deepEqual(c.system.calls, ['poweroff', 'reboot']);
    await c.stop();
  });

  it('P creates the first administrator: username default admin, password twice, unechoed', async () => {
    const c = start();
    await c.waitFor(STATUS.spki);
    c.type('p');
    await c.waitFor('Username [admin]: ');
    assert.match(c.text(), /No administrator exists yet/);
    c.type('\rcorrect horse battery\rcorrect horse battery\r');
    await c.waitFor('Administrator "admin" created');
    assert.ok(!c.text().includes('correct horse'), 'the password is not echoed');
    assert.deepEqual(c.controlCalls, ['create-admin admin correct horse battery']);
    c.type(' p');
    await c.waitFor(/created[\s\S]*Username \[admin\]: /);
    c.type('ops\rcorrect horse battery\rsomething else!!\r');
    await c.waitFor('The two passwords differ. Nothing was changed.');
    assert.equal(c.controlCalls.length, 1);
    await c.stop();
  });

  it('P changes a password once an administrator exists', async () => {
    const c = start();
    c.state.view = { kind: 'up', status: { ...STATUS, setupCode: null } };
    await c.waitFor(STATUS.spki);
    await c.waitFor(/Hypervisor +libvirt answers\n {2}-+/); // the poll without the setup code
    c.type('p');
    await c.waitFor('Username [admin]: ');
    c.type('\rshort\r');
    await c.waitFor('Password: at least 10 characters. Nothing was changed.');
    c.type(' p');
    await c.waitFor(/Nothing was changed[\s\S]*Username \[admin\]: /);
    c.type('ops\rlong enough now\rlong enough now\r');
    await c.waitFor('Password of "ops" changed');
    assert.deepEqual(c.controlCalls, ['passwd ops long enough now']);
    await c.stop();
  });

  it('L pages the log from its end; R restarts after y; S and I hand the terminal over', async () => {
    const logs = Array.from({ length: 100 }, (_, i) => `log line ${i + 1}`).join('\n');
    const c = start({ logs });
    await c.waitFor(STATUS.spki);
    c.type('l');
    await c.waitFor('(lines 80-100 of 100)');
    assert.match(c.screens().at(-1) ?? '', /log line 100\n/);
    c.type('b');
    await c.waitFor('(lines 59-79 of 100)');
    c.type('q');
    await c.waitFor(/lines 59-79[\s\S]*\[O\] Power off/);
    c.type('r');
    await c.waitFor('Restart it?');
    c.type('y');
    await c.waitFor('The Quantix host service was restarted.');
    c.type(' s');
    await c.waitFor('type exit to return to the console');
    c.type('i');
    await c.waitFor('Starting the installer');
    assert.deepEqual(c.system.calls, ['logs', 'restart', 'shell', 'install']);
    await c.stop();
  });

  it('says what went wrong when the service is down or refuses, and carries on', async () => {
    const failing = fakeTerminal();
    const app = createConsoleApp({
      term: failing.term,
      service: async () => ({ kind: 'down', why: 'absent', hostname: 'h', addresses: [] }),
      control: {
        ...fakeControl([]),
        mintToken: async () => {
          throw new Error('no quantix-host server is running with this data directory (/x/control.sock)');
        },
        passwd: async () => {
          throw new AppError('USER_NOT_FOUND', 'no user named "admin"');
        },
      },
      actions: fakeSystemActions(dir).actions,
      live: () => true,
      qr: terminalQr,
      pollMs: 10,
    });
    const done = app.run();
    await failing.waitFor(/not running[\s\S]*LIVE/);
    failing.type('t');
    await failing.waitFor('Could not mint a token:\n  no quantix-host server is running');
    failing.type(' p');
    await failing.waitFor('Username [admin]: ');
    failing.type('\rcorrect horse battery\rcorrect horse battery\r');
    await failing.waitFor('Nothing was changed:\n  no user named "admin" (USER_NOT_FOUND)');
    failing.end();
    await done;
  });
});
