import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { createConsoleApp } from './console-app.ts';
import { startConsole } from './console-app.test-helper.ts';
import { fakeControl, fakeSystemActions, fakeTerminal, STATUS } from './fake-system.test-helper.ts';
import { terminalQr } from './qr-code.ts';

const dir = mkdtempSync(join(tmpdir(), 'qx-console-menu-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const start = (opts?: Parameters<typeof startConsole>[1]) => startConsole(dir, opts);

describe('console menu: power, passwords, logs, programs', () => {
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
