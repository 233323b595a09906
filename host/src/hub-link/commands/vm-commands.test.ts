import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HostVmList, type LinkCommand, VmDetail, VmSummary } from '@quantix/shared';
import { tempRoot } from '@quantix/shared/server/testing';
import { openTestServices, type TestServices } from './libvirt-services.test-helper.ts';
import type { CommandContext, CommandHandler } from './dispatch.ts';
import { vmCommands } from './vm-commands.ts';

const root = tempRoot('qx-vm-cmd-');
const ctx: CommandContext = {
  hubId: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
  hubName: 'hub-a',
  by: 'hub hub-a',
};
type VmCommand = Extract<LinkCommand, { type: 'vm.create' | 'vms.list' | 'vm.action' }>;

describe('VM commands on the libvirt test driver', () => {
  let s: TestServices;
  let vms: (cmd: VmCommand, c: CommandContext) => Promise<unknown>;
  const request = (name: string, sizeGiB = 1) => ({
    name,
    vcpus: 1,
    memoryMiB: 128,
    disks: [{ pool: 'default-pool', sizeGiB, format: 'qcow2' as const }],
    network: { type: 'none' as const },
    bootOrder: ['hd' as const],
    autostart: false,
  });

  before(async () => {
    s = await openTestServices(await root.fresh('svc-'));
    const handlers = vmCommands({ vms: s.vms });
    vms = (cmd, c) => (handlers[cmd.type] as CommandHandler<typeof cmd.type>)(cmd as never, c);
  });
  after(async () => {
    await s?.close();
  });

  it('vm.create makes the VM with the host service, recording the hub as its author', async () => {
    const vm = VmDetail.parse(await vms({ type: 'vm.create', vm: request('placed') }, ctx));
    assert.equal(vm.name, 'placed');
    assert.deepEqual(
      vm.disks.filter((d) => d.device === 'disk').map((d) => [d.pool, d.volume]),
      [['default-pool', 'placed-disk0.qcow2']],
    );
    const created = s.events.query({ limit: 50 }).find((e) => /VM "placed" created/.test(e.message));
    assert.equal(created?.source, 'hub hub-a');
  });

  it('vm.create refuses as the host does: a taken name, too little space', async () => {
    await assert.rejects(vms({ type: 'vm.create', vm: request('placed') }, ctx), { code: 'NAME_TAKEN' });
    await assert.rejects(vms({ type: 'vm.create', vm: request('huge', 60_000) }, ctx), {
      code: 'INSUFFICIENT_SPACE',
    });
  });

  it('vms.list and vm.action answer what the hub parses', async () => {
    const list = HostVmList.parse(await vms({ type: 'vms.list' }, ctx));
    const placed = list.vms.find((v) => v.name === 'placed');
    assert.ok(placed);
    const started = VmSummary.parse(
      await vms({ type: 'vm.action', uuid: placed.uuid, action: 'start' }, ctx),
    );
    assert.equal(started.state, 'running');
    await assert.rejects(vms({ type: 'vm.action', uuid: placed.uuid, action: 'start' }, ctx), {
      code: 'VM_STATE_INVALID',
    });
    const off = VmSummary.parse(await vms({ type: 'vm.action', uuid: placed.uuid, action: 'destroy' }, ctx));
    assert.equal(off.state, 'shutoff');
  });
});
