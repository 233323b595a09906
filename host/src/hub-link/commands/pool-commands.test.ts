import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HostPoolStatus, PoolUsage, type SharedPoolDefinition, VmDetail } from '@quantix/shared';
import { tempRoot, rejectsWith } from '@quantix/shared/server/testing';
import { parsePoolXml } from '../../libvirt-xml/pool-xml.ts';
import { openTestServices, type TestServices } from './libvirt-services.test-helper.ts';
import { createPoolCommands, definitionMismatch } from './pool-commands.ts';

const root = tempRoot('qx-pool-cmd-');
const ctx = { hubName: 'hub-a' };

describe('pool commands on the libvirt test driver', () => {
  let s: TestServices;
  let pools: ReturnType<typeof createPoolCommands>;
  const dirPool = async (name: string): Promise<SharedPoolDefinition> => {
    const path = join(root.path, name);
    await mkdir(path, { recursive: true });
    return { type: 'dir', name, path };
  };
  const vm = (name: string, pool: string, cdrom?: { pool: string; volume: string }) => ({
    type: 'vm.create' as const,
    vm: {
      name,
      vcpus: 1,
      memoryMiB: 128,
      disks: [{ pool, sizeGiB: 1, format: 'qcow2' as const }],
      ...(cdrom ? { cdrom } : {}),
      network: { type: 'none' as const },
      bootOrder: ['hd' as const],
      autostart: false,
    },
  });

  before(async () => {
    s = await openTestServices(await root.fresh('svc-'));
    pools = createPoolCommands({ storage: s.storage });
  });
  after(async () => {
    await s?.close();
  });

  it('apply defines, builds, starts and autostarts; the same definition again changes nothing', async () => {
    const def = await dirPool('shared-a');
    const first = HostPoolStatus.parse(await pools({ type: 'pool.apply', definition: def }, ctx));
    assert.equal(first.name, 'shared-a');
    assert.equal(first.state, 'running');
    const uuid = (await s.storage.pool('shared-a')).uuid;
    const again = HostPoolStatus.parse(await pools({ type: 'pool.apply', definition: def }, ctx));
    assert.equal(again.state, 'running');
    const p = await s.storage.pool('shared-a');
    assert.equal(p.uuid, uuid, 'the same pool, not a new one');
    assert.equal(p.autostart, true);
    assert.equal((await s.storage.listPools()).filter((x) => x.name === 'shared-a').length, 1);
  });

  it('apply starts an identical pool that was stopped and turns its autostart back on', async () => {
    const def = await dirPool('shared-stopped');
    await pools({ type: 'pool.apply', definition: def }, ctx);
    await s.storage.stopPool('shared-stopped', 'test');
    await s.storage.setPoolAutostart('shared-stopped', false);
    const st = HostPoolStatus.parse(await pools({ type: 'pool.apply', definition: def }, ctx));
    assert.equal(st.state, 'running');
    assert.equal((await s.storage.pool('shared-stopped')).autostart, true);
  });

  it('apply refuses another pool of the same name and leaves it alone', async () => {
    const def = await dirPool('shared-b');
    await pools({ type: 'pool.apply', definition: def }, ctx);
    const other = { ...def, path: join(root.path, 'elsewhere') };
    await rejectsWith(pools({ type: 'pool.apply', definition: other }, ctx), 'NAME_TAKEN', /its path is/);
    await rejectsWith(
      pools(
        {
          type: 'pool.apply',
          definition: {
            type: 'netfs',
            name: 'shared-b',
            host: 'nas',
            exportPath: '/x',
            path: def.path,
            options: '',
          },
        },
        ctx,
      ),
      'NAME_TAKEN',
      /dir pool, not netfs/,
    );
    assert.equal((await s.storage.pool('shared-b')).path, def.path);
  });

  it('usage names the VMs with a disk or a CD-ROM in the pool; remove is refused while they exist', async () => {
    const disks = await dirPool('shared-disks');
    const isos = await dirPool('shared-isos');
    await pools({ type: 'pool.apply', definition: disks }, ctx);
    await pools({ type: 'pool.apply', definition: isos }, ctx);
    await s.storage.createVolume('shared-isos', { name: 'boot.iso', format: 'raw', sizeGiB: 0.001 }, 'test');
    const created = VmDetail.parse(
      await s.vms.create(vm('web', 'shared-disks', { pool: 'shared-isos', volume: 'boot.iso' }).vm, 'test'),
    );
    assert.equal(created.name, 'web');
    assert.deepEqual(PoolUsage.parse(await pools({ type: 'pool.usage', name: 'shared-disks' }, ctx)), {
      vms: ['web'],
    });
    assert.deepEqual(await pools({ type: 'pool.usage', name: 'shared-isos' }, ctx), { vms: ['web'] });
    assert.deepEqual(await pools({ type: 'pool.usage', name: 'shared-a' }, ctx), { vms: [] });
    assert.deepEqual(await pools({ type: 'pool.usage', name: 'not-here' }, ctx), { vms: [] });

    await rejectsWith(pools({ type: 'pool.remove', name: 'shared-disks' }, ctx), 'POOL_IN_USE', /web/);
    await rejectsWith(pools({ type: 'pool.remove', name: 'shared-isos' }, ctx), 'POOL_IN_USE', /web/);
    assert.equal((await s.storage.pool('shared-disks')).state, 'running', 'still there and running');

    await s.vms.remove(created.uuid, { deleteVolumes: true }, 'test');
    assert.equal(await pools({ type: 'pool.remove', name: 'shared-disks' }, ctx), null);
    assert.equal(await pools({ type: 'pool.remove', name: 'shared-isos' }, ctx), null);
    const names = (await s.storage.listPools()).map((p) => p.name);
    assert.ok(!names.includes('shared-disks') && !names.includes('shared-isos'), names.join(','));
  });

  it('remove works when it is the last pool of the host, and again when it is gone', async () => {
    // nothing else left on the host: every other pool goes first (the fixture's too)
    for (const p of await s.storage.listPools()) await s.storage.deletePool(p.name, 'test');
    const def = await dirPool('shared-last');
    await pools({ type: 'pool.apply', definition: def }, ctx);
    assert.deepEqual(
      (await s.storage.listPools()).map((p) => p.name),
      ['shared-last'],
    );
    assert.equal(await pools({ type: 'pool.remove', name: 'shared-last' }, ctx), null);
    assert.deepEqual(await s.storage.listPools(), []);
    assert.equal(await pools({ type: 'pool.remove', name: 'shared-last' }, ctx), null);
  });
});

describe('definitionMismatch', () => {
  const netfs: SharedPoolDefinition = {
    type: 'netfs',
    name: 'nas',
    host: 'nas.example.org',
    exportPath: '/export/vm',
    path: '/mnt/nas',
    options: 'vers=4.2,nosuid',
  };
  const parsed = parsePoolXml(
    `<pool type='netfs'><name>nas</name><source><host name='nas.example.org'/><dir path='/export/vm/'/><format type='nfs'/></source><target><path>/mnt/nas</path></target></pool>`,
  );

  it('accepts the same pool (trailing slashes aside) with the same mount options', () => {
    assert.equal(definitionMismatch(netfs, parsed, ['vers=4.2', 'nosuid']), null);
  });

  it('names what differs', () => {
    assert.match(definitionMismatch(netfs, parsed, []) ?? '', /mount options/);
    assert.match(
      definitionMismatch({ ...netfs, host: 'other' }, parsed, ['vers=4.2', 'nosuid']) ?? '',
      /mounts/,
    );
    assert.match(definitionMismatch({ ...netfs, path: '/mnt/x' }, parsed, []) ?? '', /path/);
  });
});
