import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { VmDetail, VmSummary } from '@quantix/shared';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';
import { connected, type HostSocket, openSocket } from '../support/socket-client.ts';

// The VM list shows a running VM's guest addresses although nobody opened its page: the host asks
// one VM with an agent channel every 2 s in the background (the test driver answers
// InterfaceAddresses as an agent would) and pushes the VM to the list when they change.
describe('guest addresses in the VM list, refreshed in the background', () => {
  const data = tempDataDir('qxfixb-addr-');
  let host: RunningHost;
  let admin: CookieJar;
  let socket: HostSocket | null = null;
  let uuid = '';
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
  });
  after(async () => {
    socket?.close();
    if (uuid) {
      await api('POST', `/vms/${uuid}/actions/destroy`).catch(() => undefined);
      await api('DELETE', `/vms/${uuid}?deleteVolumes=true`).catch(() => undefined);
    }
    await host.stop();
    data.remove();
  });
  const api = (method: string, path: string, body?: unknown) =>
    host.api(`/api/v1${path}`, { method, jar: admin, body });

  it('lists the addresses of a running agent VM whose page was never opened, and pushes them', async () => {
    const res = await api('POST', '/vms', {
      name: `qxfixb-${randomBytes(3).toString('hex')}`,
      vcpus: 1,
      memoryMiB: 256,
      disks: [{ pool: 'default-pool', sizeGiB: 1, format: 'qcow2' }],
      network: { type: 'network', name: 'default' },
      bootOrder: ['hd'],
      autostart: false,
      guestAgent: true,
    });
    assert.equal(res.status, 201, res.text);
    uuid = VmDetail.parse(res.json).uuid;
    socket = openSocket(host, admin);
    await connected(socket);
    const pushed = new Promise<string[]>((resolve) => {
      socket?.on('vm:changed', (c) => {
        if (c.uuid === uuid && c.vm?.guestAddresses?.length) resolve(c.vm.guestAddresses);
      });
    });
    assert.equal((await api('POST', `/vms/${uuid}/actions/start`)).status, 200);

    let listed: string[] | undefined;
    for (let i = 0; i < 60 && !listed; i++) {
      const list = ((await api('GET', '/vms')).json as { vms: unknown[] }).vms.map((v) => VmSummary.parse(v));
      listed = list.find((v) => v.uuid === uuid)?.guestAddresses;
      if (!listed) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(listed && listed.length > 0, 'addresses in the list');
    assert.ok(listed.every((a) => !a.startsWith('127.')));
    const timeout = new Promise<null>((r) => setTimeout(() => r(null), 10_000).unref());
    assert.deepEqual(await Promise.race([pushed, timeout]), listed);
  });
});
