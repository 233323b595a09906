// The last hour of a VM's metrics in memory, at a coarser step than the live view (10 s): one
// Buffer of encoded slots per VM (~23 KB for an hour of six metrics), addressed by time like the
// files, so no object per point stays on the heap.
import {
  type Accumulator,
  accumulate,
  decodeSlot,
  encodeSlot,
  newAccumulator,
  type Slot,
  slotOf,
  slotSize,
} from './rrd-slot.ts';

export interface MemoryRing {
  add(tSec: number, values: ArrayLike<number | null>): void;
  /** slots with `from <= start < to`, oldest first, the one being filled included */
  read(fromSec: number, toSec: number): Slot[];
}

export function createMemoryRing(metrics: number, step: number, rows: number): MemoryRing {
  const ss = slotSize(metrics);
  const buf = Buffer.alloc(rows * ss);
  let acc: Accumulator | null = null;
  const offsetOf = (start: number) => ((start / step) % rows) * ss;
  return {
    add(tSec, values) {
      const start = Math.floor(tSec / step) * step;
      if (acc && start < acc.start && acc.start - start <= step) return;
      if (!acc || acc.start !== start) {
        if (acc && acc.n > 0) encodeSlot(buf, offsetOf(acc.start), slotOf(acc));
        acc = newAccumulator(start, metrics);
      }
      accumulate(acc, values);
    },
    read(fromSec, toSec) {
      const out: Slot[] = [];
      const lo = Math.max(
        Math.ceil(fromSec / step) * step,
        Math.floor((toSec - 1) / step) * step - (rows - 1) * step,
      );
      for (let start = lo; start < toSec; start += step) {
        if (acc && start === acc.start) {
          if (acc.n > 0) out.push(slotOf(acc));
          continue;
        }
        const s = decodeSlot(buf, offsetOf(start), metrics, start);
        if (s) out.push(s);
      }
      return out;
    },
  };
}
