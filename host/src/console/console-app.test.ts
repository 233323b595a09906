import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { banners, startConsole } from './console-app.test-helper.ts';
import { STATUS, TOKEN } from './fake-system.test-helper.ts';
import { NETWORK_FILE } from './network-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'qx-console-app-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const start = (opts?: Parameters<typeof startConsole>[1]) => startConsole(dir, opts);

describe('console banner, token and network', () => {
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
});
