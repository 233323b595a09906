import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { EventList, HypervisorStatus } from '@quantix/shared';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';
import { connected, type HostSocket, openSocket } from '../support/socket-client.ts';

/**
 * libvirtd dies while libvirt-dbus lives on. The daemon is this test's own: a second libvirtd in a
 * private mount namespace (its own /run/libvirt), so killing it disturbs no other suite using the
 * machine's daemon. The host runs in that namespace too, and reaches it as qemu:///system.
 */
const cannot =
  process.getuid?.() !== 0 ||
  spawnSync('sh', ['-c', 'for c in libvirtd unshare nsenter; do command -v $c || exit 1; done']).status !== 0
    ? 'needs root, libvirtd, unshare and nsenter'
    : false;

describe('libvirtd dies under a running host, and comes back', { skip: cannot }, () => {
  const data = tempDataDir();
  let holder: ChildProcess;
  let host: RunningHost;
  let admin: CookieJar;
  let socket: HostSocket;
  const pushed: HypervisorStatus[] = [];
  const root = () => `/proc/${holder.pid}/root/run/libvirt`;
  const inNs = (...cmd: string[]) =>
    spawnSync('nsenter', ['-t', String(holder.pid), '-m', '--', ...cmd], {
      encoding: 'utf8',
      timeout: 60_000,
    });
  const startDaemon = async () => {
    const r = inNs(
      'sh',
      '-c',
      'virtlogd -d -p /run/libvirt/virtlogd.pid; libvirtd -d -p /run/libvirt/libvirtd.pid',
    );
    assert.equal(r.status, 0, r.stderr);
    for (let i = 0; i < 300; i++) {
      if (inNs('virsh', '-c', 'qemu:///system', 'version').status === 0) return;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.fail('the private libvirtd did not answer');
  };
  const daemonPid = (name: string) => {
    const f = `${root()}/${name}.pid`;
    return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : 0;
  };

  before(async () => {
    execFileSync('mkdir', ['-p', '/run/libvirt']);
    holder = spawn(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount -t tmpfs tmpfs /run/libvirt && echo ready && exec sleep 3600',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((res, rej) => {
      holder.stdout?.once('data', () => res());
      holder.once('exit', (code) => rej(new Error(`the namespace did not come up (${code})`)));
    });
    await startDaemon();
    host = await startHost({
      dataDir: data.dir,
      env: { QUANTIX_LIBVIRT_URI: 'qemu:///system' },
      wrap: ['nsenter', '-t', String(holder.pid), '-m', '--'],
    });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
    socket = openSocket(host, admin);
    socket.on('hypervisor:status', (s) => pushed.push(s));
    await connected(socket);
  });
  after(async () => {
    socket?.close();
    await host?.stop();
    if (holder?.pid) {
      // guests outlive their daemon, and no daemon will ever find these once the namespace is gone
      inNs(
        'sh',
        '-c',
        'for d in $(virsh -c qemu:///system list --name); do virsh -c qemu:///system destroy "$d"; done',
      );
      for (const name of ['libvirtd', 'virtlogd']) {
        const pid = daemonPid(name);
        if (pid) spawnSync('kill', [String(pid)]);
      }
      holder.kill('SIGKILL');
    }
    data.remove();
  });

  const status = async () =>
    HypervisorStatus.parse((await host.api('/api/v1/hypervisor', { jar: admin })).json);
  const until = async (what: string, pred: () => boolean | Promise<boolean>) => {
    for (let i = 0; i < 300; i++) {
      if (await pred()) return;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.fail(`timed out waiting for ${what}`);
  };

  it('says libvirt is unavailable (pushed, in the API and the event log), not "connected, 0.0.0"', async () => {
    // not while the CPU probe has a guest running: the daemon would die under it
    await until('the CPU probe is done', async () => {
      const caps = await host.api('/api/v1/hypervisor/cpu', { jar: admin });
      return caps.status === 200 && (caps.json as { probing: boolean }).probing === false;
    });
    const pid = daemonPid('libvirtd');
    assert.ok(pid > 0);
    const before = pushed.length;
    process.kill(pid, 'SIGKILL');
    await until('hypervisor:status pushed as unavailable', () =>
      pushed.slice(before).some((s) => !s.available),
    );
    const s = await status();
    assert.equal(s.available, false);
    assert.equal(s.libvirtVersion, null);
    assert.ok(s.error, 'says why');
    // calls into libvirt answer at once, with the stable code
    const pools = await host.api('/api/v1/storage/pools', { jar: admin, timeoutMs: 10_000 });
    assert.equal(pools.status, 503);
    const events = EventList.parse((await host.api('/api/v1/events?limit=50', { jar: admin })).json).events;
    assert.ok(events.some((e) => e.source === 'libvirt' && /libvirt became unavailable/.test(e.message)));
  });

  it('recovers by itself when libvirtd is back', async () => {
    const before = pushed.length;
    await startDaemon();
    await until('hypervisor:status pushed as available', () => pushed.slice(before).some((s) => s.available));
    const s = await status();
    assert.equal(s.available, true);
    assert.match(s.libvirtVersion ?? '', /^\d+\.\d+\.\d+$/);
    assert.notEqual(s.libvirtVersion, '0.0.0');
    await until(
      'pools listed again',
      async () => (await host.api('/api/v1/storage/pools', { jar: admin })).status === 200,
    );
    const events = EventList.parse((await host.api('/api/v1/events?limit=50', { jar: admin })).json).events;
    assert.ok(events.some((e) => e.source === 'libvirt' && /libvirt is available again/.test(e.message)));
  });
});
