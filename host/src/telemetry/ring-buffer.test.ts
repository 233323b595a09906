import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRingBuffer } from './ring-buffer.ts';

const at = (t: number) => ({ t });

describe('ring buffer', () => {
  it('is empty at first', () => {
    const ring = createRingBuffer<{ t: number }>(3);
    assert.equal(ring.latest(), null);
    assert.deepEqual(ring.lastSeconds(10, 1000), []);
    assert.equal(ring.size, 0);
  });

  it('keeps the newest `capacity` items in order', () => {
    const ring = createRingBuffer<{ t: number }>(3);
    for (const t of [1000, 2000, 3000, 4000, 5000]) ring.push(at(t));
    assert.equal(ring.size, 3);
    assert.deepEqual(ring.toArray(), [at(3000), at(4000), at(5000)]);
    assert.deepEqual(ring.latest(), at(5000));
  });

  it('returns the last n seconds, oldest first, bound included', () => {
    const ring = createRingBuffer<{ t: number }>(3600);
    for (let i = 1; i <= 10; i++) ring.push(at(i * 1000));
    assert.deepEqual(ring.lastSeconds(3, 10_000), [at(7000), at(8000), at(9000), at(10_000)]);
    assert.deepEqual(ring.lastSeconds(2, 10_500), [at(9000), at(10_000)]);
    assert.deepEqual(ring.lastSeconds(1, 60_000), []);
    assert.equal(ring.lastSeconds(3600, 10_000).length, 10);
  });

  it('answers a window across the wrap point', () => {
    const ring = createRingBuffer<{ t: number }>(4);
    for (let i = 1; i <= 6; i++) ring.push(at(i * 1000));
    assert.deepEqual(ring.lastSeconds(100, 6000), [at(3000), at(4000), at(5000), at(6000)]);
  });

  it('defaults to an hour of 1 s samples and rejects a bad capacity', () => {
    assert.equal(createRingBuffer().capacity, 3600);
    assert.throws(() => createRingBuffer(0), RangeError);
  });
});
