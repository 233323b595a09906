import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@quantix/shared';
import type { Hypervisor } from '../hypervisor/hypervisor.ts';
import { thawGuest } from './vm-guest-actions.ts';

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
