import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventList, type ObjectChanged, type VmChanged } from '@quantix/shared';
import { connectDbus, type DbusClient } from '../../host/src/hypervisor/dbus-client.ts';
import { createDbusHypervisor } from '../../host/src/hypervisor/dbus-hypervisor.ts';
import type { Hypervisor } from '../../host/src/hypervisor/hypervisor.ts';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';
import { connected, type HostSocket, openSocket } from '../support/socket-client.ts';

/**
 * Changes made outside the UI reach every open page and the audit trail. "Outside" is for real:
 * a second client on the host's own libvirt bus (as virsh would be on a real daemon; the test
 * driver keeps its state inside libvirt-dbus, so it has to be that bus).
 */
describe('libvirt changes made outside the UI', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let admin: CookieJar;
  let socket: HostSocket;
  let client: DbusClient;
  let outside: Hypervisor;
  const pools: ObjectChanged[] = [];
  const networks: ObjectChanged[] = [];
  const vms: VmChanged[] = [];

  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
    socket = openSocket(host, admin);
    socket.on('pool:changed', (c) => pools.push(c));
    socket.on('network:changed', (c) => networks.push(c));
    socket.on('vm:changed', (c) => vms.push(c));
    await connected(socket);
    client = await connectDbus(`unix:path=${join(data.dir, 'run', 'libvirt-bus.sock')}`);
    outside = createDbusHypervisor({ client, uri: 'test:///default' });
  });
  after(async () => {
    socket?.close();
    client?.close();
    await host?.stop();
    data.remove();
  });

  const until = async (what: string, pred: () => boolean) => {
    for (let i = 0; i < 600 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(pred(), `timed out waiting for ${what}`);
  };
  const audit = async () =>
    EventList.parse((await host.api('/api/v1/events?limit=100', { jar: admin })).json).events.filter(
      (e) => e.source === 'libvirt',
    );

  it('pushes pool events with the pool’s name, also for a removed pool, and records them', async () => {
    const p = await outside.definePool(
      "<pool type='dir'><name>outside-pool</name><target><path>/outside-pool</path></target></pool>",
    );
    await outside.startPool(p.uuid);
    await until('pool defined and started', () => pools.filter((c) => c.uuid === p.uuid).length >= 2);
    await outside.stopPool(p.uuid);
    await outside.undefinePool(p.uuid);
    await until('pool removed', () => pools.some((c) => c.uuid === p.uuid && c.event === 'undefined'));
    assert.deepEqual(
      pools.filter((c) => c.uuid === p.uuid).map((c) => [c.name, c.event]),
      [
        ['outside-pool', 'defined'],
        ['outside-pool', 'started'],
        ['outside-pool', 'stopped'],
        ['outside-pool', 'undefined'],
      ],
    );
    const messages = (await audit()).map((e) => e.message);
    for (const m of ['defined', 'started', 'stopped', 'removed']) {
      assert.ok(messages.includes(`Storage pool "outside-pool" ${m}`), `${m}: ${messages.join(' | ')}`);
    }
  });

  it('pushes network events and VM events, and records them as libvirt’s', async () => {
    const n = await outside.defineNetwork(
      "<network><name>outside-net</name><bridge name='qxout0'/><ip address='192.0.2.1' prefix='24'/></network>",
    );
    const d = await outside.defineDomain(
      "<domain type='test'><name>outside-vm</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>",
    );
    await until('network defined', () => networks.some((c) => c.uuid === n.uuid && c.name === 'outside-net'));
    await until('VM defined', () => vms.some((c) => c.uuid === d.uuid && c.vm?.name === 'outside-vm'));
    const listed = (await host.api('/api/v1/networks', { jar: admin })).json as {
      networks: Array<{ name: string }>;
    };
    assert.ok(listed.networks.some((x) => x.name === 'outside-net'));
    await outside.undefineNetwork(n.uuid);
    await outside.undefineDomain(d.uuid);
    await until('VM removed', () => vms.some((c) => c.uuid === d.uuid && c.vm === null));
    await until('audit', () => true);
    const messages = (await audit()).map((e) => e.message);
    assert.ok(messages.includes('Network "outside-net" defined'), messages.join(' | '));
    assert.ok(messages.includes('VM "outside-vm" defined'), messages.join(' | '));
    assert.ok(messages.includes('VM "outside-vm" removed'), messages.join(' | '));
  });
});
