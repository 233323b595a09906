import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@quantix/shared';
import type { Hypervisor } from '../hypervisor/hypervisor.ts';
import { startVm, thawGuest } from './vm-guest-actions.ts';

function thawing(failures: AppError[]) {
  let calls = 0;
  const h = {
    guestFsThaw: async () => {
      calls++;
      const err = failures.shift();
      if (err) throw err;
    },
  } as unknown as Hypervisor;
  return { h, calls: () => calls };
}

const silent = () => new AppError('GUEST_AGENT_UNAVAILABLE', 'guest agent is not responding');

test('asks again while the agent does not answer yet, then thaws', async () => {
  const t = thawing([silent(), silent()]);
  assert.equal(await thawGuest(t.h, 'u', { delayMs: 1 }), true);
  assert.equal(t.calls(), 3);
});

test('gives up after its attempts, and at once for a VM that is gone', async () => {
  const never = thawing([silent(), silent(), silent()]);
  assert.equal(await thawGuest(never.h, 'u', { attempts: 3, delayMs: 1 }), false);
  assert.equal(never.calls(), 3);
  const gone = thawing([new AppError('VM_NOT_FOUND', 'no such VM')]);
  assert.equal(await thawGuest(gone.h, 'u', { delayMs: 1 }), false);
  assert.equal(gone.calls(), 1);
});

// what a start answers when swtpm lost its socket to libvirt (CI, 2026-12-02; the swtpm line is
// added by the hypervisor adapter from swtpm's log)
const SWTPM_RACE = new AppError(
  'LIBVIRT_ERROR',
  `internal error: process exited while connecting to monitor: qemu-system-x86_64: -chardev socket,id=chrtpm,path=/run/libvirt/qemu/swtpm/289-w11-swtpm.sock: Failed to connect to '/run/libvirt/qemu/swtpm/289-w11-swtpm.sock': Connection refused
swtpm: Could not change permssions on UnixIO socket: Operation not permitted`,
);

function starting(failures: AppError[]) {
  const actions: string[] = [];
  const h = {
    domainAction: async (_uuid: string, action: string) => {
      actions.push(action);
      const err = failures.shift();
      if (err) throw err;
    },
  };
  return { h, actions };
}

test('starts once more, and says why, when swtpm lost its socket to libvirt', async () => {
  const t = starting([SWTPM_RACE]);
  const said: string[] = [];
  const via = await startVm(t.h, 'u', (why) => said.push(why));
  assert.deepEqual(t.actions, ['start', 'start']);
  assert.equal(said.length, 1);
  assert.match(said[0] ?? '', /TPM emulator \(swtpm\) exited at start-up/);
  assert.equal(via, ` (second try: ${said[0]})`);
  assert.equal(await startVm(starting([]).h, 'u', () => assert.fail('no retry')), '');
});

test('does not start again for any other failure, nor a third time', async () => {
  const other = new AppError(
    'LIBVIRT_ERROR',
    `${SWTPM_RACE.message.split('\n')[0]}\nswtpm: Could not open UnixIO socket: Permission denied`,
  );
  const t = starting([other]);
  await assert.rejects(
    startVm(t.h, 'u', () => assert.fail('no retry')),
    (e) => e === other,
  );
  assert.deepEqual(t.actions, ['start']);
  const twice = starting([SWTPM_RACE, SWTPM_RACE]);
  await assert.rejects(
    startVm(twice.h, 'u', () => undefined),
    (e) => e === SWTPM_RACE,
  );
  assert.deepEqual(twice.actions, ['start', 'start']);
});
