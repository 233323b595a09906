import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { HypervisorStatus } from '@quantix/shared';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { connected, openSocket } from '../support/socket-client.ts';

/** pids of `name` processes whose command line mentions `needle` (not the sh wrappers around them) */
function pidsWith(name: string, needle: string): number[] {
  const out = execFileSync('pgrep', ['-f', '--', needle], { encoding: 'utf8' }).trim();
  const pids = out ? out.split('\n').map(Number) : [];
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
    } catch {
      return false;
    }
  });
}

describe('the host survives losing its libvirt bus', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let admin: CookieJar;
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
  });
  after(async () => {
    await host.stop();
    data.remove();
  });
  /** libvirt's lifecycle events reach a socket: suspend (or resume) the fixture VM and see vm:changed say so */
  const expectEventsFlow = async (action: 'suspend' | 'resume' = 'suspend') => {
    const socket = openSocket(host, admin);
    await connected(socket);
    const vm = (
      (await host.api('/api/v1/vms', { jar: admin })).json as { vms: Array<{ uuid: string; name: string }> }
    ).vms.find((v) => v.name === 'test');
    assert.ok(vm);
    const event = new Promise<string | null>((resolve) =>
      socket.on('vm:changed', (c) => c.uuid === vm.uuid && c.event !== null && resolve(c.event)),
    );
    assert.equal(
      (await host.api(`/api/v1/vms/${vm.uuid}/actions/${action}`, { method: 'POST', jar: admin })).status,
      200,
    );
    assert.equal(await event, action === 'suspend' ? 'suspended' : 'resumed');
    socket.close();
  };
  const status = async () =>
    HypervisorStatus.parse((await host.api('/api/v1/hypervisor', { jar: admin })).json);
  const until = async (pred: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 300; i++) {
      if (await pred()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`timed out waiting for ${what}`);
  };

  it('answers HYPERVISOR_UNAVAILABLE instead of hanging, reconnects by itself, and serves VMs again', async () => {
    await until(async () => (await status()).available, 'libvirt available');
    assert.equal((await host.api('/api/v1/vms', { jar: admin })).status, 200);
    const busConf = `${data.dir}/run/libvirt-bus.conf`;
    const daemons = pidsWith('dbus-daemon', `--config-file=${busConf}`);
    assert.equal(daemons.length, 1, 'the host runs its own bus');
    process.kill(daemons[0] ?? 0, 'SIGKILL');

    // no request may hang: calls into libvirt answer 503 while the bus is rebuilt, then work again
    const seen: number[] = [];
    await until(async () => {
      const res = await host.api('/api/v1/storage/pools', { jar: admin, timeoutMs: 5000 });
      seen.push(res.status);
      return res.status === 200;
    }, 'the pools list again');
    assert.equal(seen[0], 503, `first answer after the bus died: ${seen.join(',')}`);
    await until(async () => (await status()).available, 'available again');
    const fresh = pidsWith('dbus-daemon', `--config-file=${busConf}`);
    assert.equal(fresh.length, 1, 'a new bus replaced the dead one');
    assert.notEqual(fresh[0], daemons[0]);

    // and libvirt's events flow again on the new connection
    await expectEventsFlow();
  });

  it('starts over when libvirt-dbus alone dies, and the events flow again', async () => {
    const busConf = `${data.dir}/run/libvirt-bus.conf`;
    const bus = pidsWith('dbus-daemon', `--config-file=${busConf}`)[0];
    const libvirtDbus = pidsWith('libvirt-dbus', 'libvirt-dbus --system');
    const ours = libvirtDbus.filter((pid) =>
      readFileSync(`/proc/${pid}/environ`, 'utf8').includes(
        `DBUS_SYSTEM_BUS_ADDRESS=unix:path=${data.dir}/run/`,
      ),
    );
    assert.equal(ours.length, 1, 'the host runs its own libvirt-dbus');
    process.kill(ours[0] ?? 0, 'SIGKILL');
    await until(
      async () => (await host.api('/api/v1/storage/pools', { jar: admin, timeoutMs: 5000 })).status === 200,
      'pools',
    );
    await until(async () => (await status()).available, 'available again');
    assert.notEqual(pidsWith('dbus-daemon', `--config-file=${busConf}`)[0], bus, 'a fresh connection');
    await expectEventsFlow();
  });

  it('reports a libvirt that hangs as unavailable, and recovers when it answers again', async () => {
    await until(async () => (await status()).available, 'available');
    const [pid] = pidsWith('libvirt-dbus', 'libvirt-dbus --system').filter((p) =>
      readFileSync(`/proc/${p}/environ`, 'utf8').includes(
        `DBUS_SYSTEM_BUS_ADDRESS=unix:path=${data.dir}/run/`,
      ),
    );
    assert.ok(pid);
    process.kill(pid, 'SIGSTOP');
    try {
      await until(async () => !(await status()).available, 'unavailable while libvirt-dbus hangs');
      const s = await status();
      assert.match(s.error ?? '', /no answer/);
      assert.doesNotMatch(s.error ?? '', /unavailable: .*unavailable/, 'said once');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await until(async () => (await status()).available, 'available again');
    // the same connection as before (the earlier test suspended the fixture VM on it)
    await expectEventsFlow('resume');
  });

  it('keeps no helper processes, and its bus and libvirt-dbus die with it on kill -9', async () => {
    const own = tempDataDir();
    const second = await startHost({ dataDir: own.dir });
    try {
      const jar = await setupAdmin(second);
      for (let i = 0; i < 100; i++) {
        const s = HypervisorStatus.parse((await second.api('/api/v1/hypervisor', { jar })).json);
        if (s.available) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const children = childrenOf(second.pid);
      assert.deepEqual(
        children.map((c) => c.comm).sort(),
        ['dbus-daemon', 'libvirt-dbus'],
        'one process per job, no shell or cat to watch them',
      );
      await second.kill9();
      const alive = () => children.filter((c) => existsSync(`/proc/${c.pid}`) && !isZombie(c.pid));
      for (let i = 0; i < 50 && alive().length; i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(alive(), [], 'the bus and libvirt-dbus died with the host');
    } finally {
      await second.stop().catch(() => undefined);
      own.remove();
    }
  });
});

function childrenOf(pid: number): Array<{ pid: number; comm: string }> {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        // pid (comm) state ppid …; comm may hold spaces, so split after the last ')'
        const [, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(ppid) === pid
          ? [{ pid: Number(d), comm: readFileSync(`/proc/${d}/comm`, 'utf8').trim() }]
          : [];
      } catch {
        return [];
      }
    });
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
