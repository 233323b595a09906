import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readNetInterfaces } from './net-interfaces.ts';
import { NETWORK_FILE } from './network-config.ts';
import { type CommandRunner, createCommandRunner, createSystemActions } from './system-actions.ts';

const root = mkdtempSync(join(tmpdir(), 'qx-actions-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Records every command; answers with `codes[cmd args…]` (0 when not given). */
function recordingRunner(codes: Record<string, number> = {}) {
  const calls: string[] = [];
  const runner: CommandRunner = {
    async capture(cmd, args) {
      const line = [cmd, ...args].join(' ');
      calls.push(line);
      return { code: codes[line] ?? 0, output: codes[line] ? `${cmd} failed` : '' };
    },
    async interactive(cmd, args) {
      calls.push(`interactive: ${[cmd, ...args].join(' ')}`);
      return 0;
    },
  };
  return { calls, runner };
}

describe('system actions (real adapter, commands recorded)', () => {
  it('runs systemctl, journalctl, quantix-install and a login shell', async () => {
    const { calls, runner } = recordingRunner();
    const a = createSystemActions({
      run: runner,
      networkDir: join(root, 'unused'),
      listInterfaces: async () => [],
    });
    assert.deepEqual(await a.restart(), { ok: true, detail: '' });
    await a.logs();
    await a.reboot();
    await a.poweroff();
    assert.equal(await a.install(), 0);
    assert.equal(await a.shell(), 0);
    assert.deepEqual(calls, [
      'systemctl restart quantix-host',
      'journalctl -u quantix-host -n 200 --no-pager',
      'systemctl reboot',
      'systemctl poweroff',
      'interactive: quantix-install',
      'interactive: /bin/bash -l',
    ]);
  });

  it('writes the .network file (0644, nothing left beside it), then reloads and reconfigures', async () => {
    const dir = join(root, 'etc-systemd-network');
    const { calls, runner } = recordingRunner();
    const a = createSystemActions({ run: runner, networkDir: dir, listInterfaces: async () => [] });
    const r = await a.applyNetwork({
      mode: 'static',
      iface: 'eno1',
      address: '10.0.0.5/8',
      gateway: '10.0.0.1',
      dns: [],
    });
    assert.equal(r.ok, true, r.detail);
    const file = join(dir, NETWORK_FILE);
    assert.match(
      readFileSync(file, 'utf8'),
      /Name=eno1\n[\s\S]*Address=10\.0\.0\.5\/8\nGateway=10\.0\.0\.1\n/,
    );
    assert.equal(statSync(file).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(dir), [NETWORK_FILE]);
    assert.deepEqual(calls, ['networkctl reload', 'networkctl reconfigure eno1']);
    await a.applyNetwork({ mode: 'dhcp', iface: 'eno1' });
    assert.match(readFileSync(file, 'utf8'), /DHCP=yes/);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /Address=/, 'replaced whole');
  });

  it('says which step failed', async () => {
    const dir = join(root, 'failing');
    const { runner } = recordingRunner({ 'networkctl reconfigure eno1': 1 });
    const a = createSystemActions({ run: runner, networkDir: dir, listInterfaces: async () => [] });
    const r = await a.applyNetwork({ mode: 'dhcp', iface: 'eno1' });
    assert.equal(r.ok, false);
    assert.match(
      r.detail,
      /^wrote .*10-quantix-mgmt\.network, but networkctl reconfigure failed: networkctl failed/,
    );
    writeFileSync(join(root, 'a-file'), '');
    const blocked = createSystemActions({
      run: runner,
      networkDir: join(root, 'a-file'),
      listInterfaces: async () => [],
    });
    assert.match((await blocked.applyNetwork({ mode: 'dhcp', iface: 'eno1' })).detail, /^could not write /);
  });
});

describe('command runner', () => {
  const run = createCommandRunner();
  it('captures output and exit code', async () => {
    const r = await run.capture(process.execPath, [
      '-e',
      'console.log("out"); console.error("err"); process.exit(3)',
    ]);
    assert.equal(r.code, 3);
    assert.match(r.output, /out\n/);
    assert.match(r.output, /err\n/);
  });
  it('answers a program that is not there with no code and the reason', async () => {
    const r = await run.capture('quantix-no-such-program', []);
    assert.equal(r.code, null);
    assert.match(r.output, /ENOENT/);
    assert.equal(await run.interactive('quantix-no-such-program', []), null);
  });
  it('runs an interactive program to its exit code', async () => {
    assert.equal(await run.interactive(process.execPath, ['-e', 'process.exit(4)']), 4);
  });
});

describe('network interfaces', () => {
  it('lists sysfs interfaces but lo, NICs first, with MAC, state and addresses', async () => {
    const sys = join(root, 'sys-class-net');
    const iface = (name: string, mac: string, state: string, nic: boolean) => {
      mkdirSync(join(sys, name), { recursive: true });
      writeFileSync(join(sys, name, 'address'), `${mac}\n`);
      writeFileSync(join(sys, name, 'operstate'), `${state}\n`);
      if (nic) mkdirSync(join(sys, name, 'device'));
    };
    iface('lo', '00:00:00:00:00:00', 'unknown', false);
    iface('virbr0', '52:54:00:aa:bb:cc', 'down', false);
    iface('enp3s0', '02:00:00:00:00:03', 'down', true);
    iface('enp2s0', '02:00:00:00:00:02', 'up', true);
    const list = await readNetInterfaces({
      sysClassNet: sys,
      interfaces: () => ({
        enp2s0: [
          {
            address: '10.0.0.5',
            netmask: '255.0.0.0',
            family: 'IPv4',
            mac: '',
            internal: false,
            cidr: '10.0.0.5/8',
          },
          {
            address: 'fe80::2',
            netmask: 'ffff:ffff:ffff:ffff::',
            family: 'IPv6',
            mac: '',
            internal: false,
            cidr: 'fe80::2/64',
            scopeid: 2,
          },
        ],
      }),
    });
    assert.deepEqual(list, [
      { name: 'enp2s0', mac: '02:00:00:00:00:02', state: 'up', physical: true, addresses: ['10.0.0.5/8'] },
      { name: 'enp3s0', mac: '02:00:00:00:00:03', state: 'down', physical: true, addresses: [] },
      { name: 'virbr0', mac: '52:54:00:aa:bb:cc', state: 'down', physical: false, addresses: [] },
    ]);
  });
});
