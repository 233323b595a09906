import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { AppError, type VmAction, type VmSummary } from '@quantix/shared';
import pino from 'pino';
import { createDispatch } from './dispatch.ts';
import { vmCommands } from './vm-commands.ts';

const log = pino({ level: 'silent' });
const ctx = { hubId: randomUUID(), hubName: 'hub-1', by: 'hub hub-1' };
const vm: VmSummary = {
  uuid: randomUUID(),
  name: 'web',
  state: 'running',
  vcpus: 2,
  memoryMiB: 1024,
  disks: 1,
  autostart: false,
  persistent: true,
  cpuPercent: null,
  memoryUsedMiB: null,
  tags: [],
  template: false,
};

describe('hub command dispatch', () => {
  const calls: Array<{ uuid: string; action: VmAction; by: string }> = [];
  const dispatch = createDispatch(
    {
      ...vmCommands({
        vms: {
          list: () => [vm],
          action: async (uuid, action, by) => {
            calls.push({ uuid, action, by });
            if (action === 'resume')
              throw new AppError('VM_STATE_INVALID', 'cannot resume "web" while it is running');
            if (action === 'reset') throw new Error('libvirt exploded');
            return { ...vm, state: 'shutdown' };
          },
          create: async () => {
            throw new AppError('NAME_TAKEN', 'a VM named "web" exists');
          },
        },
      }),
    },
    log,
  );

  it('runs vms.list and vm.action, the action done by the hub', async () => {
    assert.deepEqual(await dispatch({ type: 'vms.list' }, ctx), { ok: true, data: { vms: [vm] } });
    const r = await dispatch({ type: 'vm.action', uuid: vm.uuid, action: 'shutdown' }, ctx);
    assert.deepEqual(r, { ok: true, data: { ...vm, state: 'shutdown' } });
    assert.deepEqual(calls.at(-1), { uuid: vm.uuid, action: 'shutdown', by: 'hub hub-1' });
  });

  it('answers the handler’s AppError, INTERNAL for anything else', async () => {
    assert.deepEqual(await dispatch({ type: 'vm.action', uuid: vm.uuid, action: 'resume' }, ctx), {
      ok: false,
      error: { code: 'VM_STATE_INVALID', message: 'cannot resume "web" while it is running' },
    });
    const r = await dispatch({ type: 'vm.action', uuid: vm.uuid, action: 'reset' }, ctx);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'INTERNAL');
    assert.ok(!r.ok && !r.error.message.includes('exploded'), 'internals stay in the host log');
  });

  it('refuses what does not parse, and answers NOT_SUPPORTED for a type without a handler', async () => {
    const bad = await dispatch({ type: 'vm.action', uuid: 'x', action: 'shutdown' }, ctx);
    assert.equal(!bad.ok && bad.error.code, 'VALIDATION_FAILED');
    assert.match(!bad.ok ? bad.error.message : '', /^uuid: /);
    const unknown = await dispatch({ type: 'rm -rf' }, ctx);
    assert.equal(!unknown.ok && unknown.error.code, 'VALIDATION_FAILED');
    const extra = await dispatch({ type: 'vms.list', sneaky: true }, ctx);
    assert.equal(!extra.ok && extra.error.code, 'VALIDATION_FAILED');
    const later = await dispatch({ type: 'pool.usage', name: 'default' }, ctx);
    assert.deepEqual(later, {
      ok: false,
      error: { code: 'NOT_SUPPORTED', message: 'this host does not run pool.usage yet' },
    });
    assert.equal(calls.length, 3, 'no handler ran for any of these');
  });
});
