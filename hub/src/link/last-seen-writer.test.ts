import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { createLastSeenWriter } from './last-seen-writer.ts';

const log = pino({ level: 'silent' });
const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** A store whose transactions wait until the test lets each go. */
function heldStore() {
  const batches: Array<Map<string, string>> = [];
  const waiting: Array<() => void> = [];
  return {
    batches,
    recordLastSeen(seen: ReadonlyMap<string, string>): Promise<void> {
      batches.push(new Map(seen));
      return new Promise<void>((r) => waiting.push(r));
    },
    release() {
      for (const r of waiting.splice(0)) r();
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('last-seen writer', () => {
  it('writes the hosts whose links dropped together in one transaction, not one each', async () => {
    const store = heldStore();
    const writer = createLastSeenWriter({ store, log });
    writer.write(id(0), '2026-01-01T00:00:00.000Z'); // starts a transaction at once
    for (let i = 1; i <= 1000; i++) writer.write(id(i), '2026-01-01T00:00:01.000Z');
    writer.write(id(7), '2026-01-01T00:00:02.000Z'); // flapped meanwhile: its latest goes
    writer.write(id(9), '2026-01-01T00:00:02.000Z');
    writer.drop(id(9)); // removed meanwhile: not written
    store.release();
    await settle();
    store.release();
    await settle();
    assert.equal(store.batches.length, 2);
    assert.deepEqual([...(store.batches[0]?.keys() ?? [])], [id(0)]);
    const second = store.batches[1];
    assert.equal(second?.size, 999);
    assert.equal(second?.get(id(7)), '2026-01-01T00:00:02.000Z');
    assert.equal(second?.has(id(9)), false);
    writer.write(id(3), '2026-01-01T00:00:03.000Z');
    assert.equal(store.batches.length, 3, 'a later drop is written by itself');
  });

  it('goes on after a failed transaction', async () => {
    let calls = 0;
    const writer = createLastSeenWriter({
      store: {
        recordLastSeen: async () => {
          calls++;
          if (calls === 1) throw new Error('disk full');
        },
      },
      log,
    });
    writer.write(id(1), '2026-01-01T00:00:00.000Z');
    await settle();
    writer.write(id(2), '2026-01-01T00:00:00.000Z');
    await settle();
    assert.equal(calls, 2);
  });
});
