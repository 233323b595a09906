// One consolidated data point of a round-robin archive, as bytes. Every slot carries its own
// time and a checksum, so a slot that was never written, is left over from an earlier lap of the
// ring, or was torn by a crash mid-write reads as a gap — never as garbage.
import { crc32 } from 'node:zlib';

export interface Slot {
  /** epoch seconds of the slot's start (a multiple of the archive's step) */
  start: number;
  /** how many samples it consolidates */
  n: number;
  /** per metric; NaN = unknown */
  avg: Float64Array;
  max: Float64Array;
}

const HEAD = 16; // f64 start, u32 crc, u32 n

export const slotSize = (metrics: number): number => HEAD + 8 * metrics;

/** Writes `slot` into `buf` at `offset` (slotSize bytes). */
export function encodeSlot(buf: Buffer, offset: number, slot: Slot): void {
  const m = slot.avg.length;
  buf.writeDoubleLE(slot.start, offset);
  buf.writeUInt32LE(slot.n, offset + 12);
  for (let i = 0; i < m; i++) {
    buf.writeFloatLE(slot.avg[i] ?? Number.NaN, offset + HEAD + 4 * i);
    buf.writeFloatLE(slot.max[i] ?? Number.NaN, offset + HEAD + 4 * (m + i));
  }
  buf.writeUInt32LE(checksum(buf, offset, m), offset + 8);
}

/** The slot at `offset` if it is whole and stamped `expectStart`; null for a gap. */
export function decodeSlot(buf: Buffer, offset: number, metrics: number, expectStart: number): Slot | null {
  if (offset + slotSize(metrics) > buf.length) return null;
  if (buf.readDoubleLE(offset) !== expectStart) return null;
  if (buf.readUInt32LE(offset + 8) !== checksum(buf, offset, metrics)) return null;
  const n = buf.readUInt32LE(offset + 12);
  if (n === 0) return null;
  const avg = new Float64Array(metrics);
  const max = new Float64Array(metrics);
  for (let i = 0; i < metrics; i++) {
    avg[i] = buf.readFloatLE(offset + HEAD + 4 * i);
    max[i] = buf.readFloatLE(offset + HEAD + 4 * (metrics + i));
  }
  return { start: expectStart, n, avg, max };
}

function checksum(buf: Buffer, offset: number, metrics: number): number {
  // the start stamp and everything after the checksum field
  const c = crc32(buf.subarray(offset, offset + 8));
  return crc32(buf.subarray(offset + 12, offset + slotSize(metrics)), c);
}

/** A slot being filled: running sums per metric, so more samples can be added later. */
export interface Accumulator {
  start: number;
  n: number;
  sum: Float64Array;
  count: Float64Array;
  max: Float64Array;
}

export function newAccumulator(start: number, metrics: number): Accumulator {
  return {
    start,
    n: 0,
    sum: new Float64Array(metrics),
    count: new Float64Array(metrics),
    max: new Float64Array(metrics).fill(Number.NaN),
  };
}

/** Adds `weight` samples whose average is `avg` and maximum `max` (NaN/null = unknown). */
export function accumulate(
  acc: Accumulator,
  avg: ArrayLike<number | null>,
  max: ArrayLike<number | null> = avg,
  weight = 1,
): void {
  acc.n += weight;
  for (let i = 0; i < acc.sum.length; i++) {
    const a = avg[i];
    if (a === null || a === undefined || Number.isNaN(a)) continue;
    acc.sum[i] = (acc.sum[i] ?? 0) + a * weight;
    acc.count[i] = (acc.count[i] ?? 0) + weight;
    const m = max[i] ?? a;
    const prev = acc.max[i] ?? Number.NaN;
    if (Number.isNaN(prev) || m > prev) acc.max[i] = m;
  }
}

export function slotOf(acc: Accumulator): Slot {
  const m = acc.sum.length;
  const avg = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const c = acc.count[i] ?? 0;
    avg[i] = c > 0 ? (acc.sum[i] ?? 0) / c : Number.NaN;
  }
  return { start: acc.start, n: acc.n, avg, max: Float64Array.from(acc.max) };
}

/** An accumulator that continues a slot read back (after a restart in the middle of it). */
export function accumulatorOf(slot: Slot): Accumulator {
  const acc = newAccumulator(slot.start, slot.avg.length);
  accumulate(acc, slot.avg, slot.max, slot.n);
  acc.n = slot.n;
  return acc;
}
