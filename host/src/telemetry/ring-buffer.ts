// Fixed-capacity ring of time-stamped items (the last hour of 1 s telemetry samples). Items are
// pushed in time order, so a time window is found by walking back from the newest.

export interface RingBuffer<T extends { t: number }> {
  readonly capacity: number;
  readonly size: number;
  /** Appends; once full, the oldest item is dropped. */
  push(item: T): void;
  latest(): T | null;
  /** Items with `t >= nowMs - seconds * 1000`, oldest first. */
  lastSeconds(seconds: number, nowMs: number): T[];
  /** Everything held, oldest first. */
  toArray(): T[];
}

export function createRingBuffer<T extends { t: number }>(capacity = 3600): RingBuffer<T> {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`bad ring capacity: ${capacity}`);
  const items: (T | undefined)[] = new Array(capacity);
  let next = 0; // slot the next push writes
  let size = 0;

  // i-th newest item, 0 = latest
  const back = (i: number): T => items[(next - 1 - i + capacity) % capacity] as T;

  return {
    capacity,
    get size() {
      return size;
    },
    push(item) {
      items[next] = item;
      next = (next + 1) % capacity;
      if (size < capacity) size++;
    },
    latest() {
      return size === 0 ? null : back(0);
    },
    lastSeconds(seconds, nowMs) {
      const from = nowMs - seconds * 1000;
      const out: T[] = [];
      for (let i = 0; i < size; i++) {
        const item = back(i);
        if (item.t < from) break;
        out.push(item);
      }
      return out.reverse();
    },
    toArray() {
      const out: T[] = [];
      for (let i = size - 1; i >= 0; i--) out.push(back(i));
      return out;
    },
  };
}
