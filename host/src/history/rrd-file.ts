// A round-robin database file (RRD-style): a fixed-size file with one ring of slots per archive
// (for example 1 min × 7 days and 30 min × a year). A slot is addressed by time —
// floor(t / step) mod rows — and carries its own stamp and checksum (rrd-slot.ts). The file is
// created at its full size and only ever written in place with small positioned writes, so it
// never grows, and a kill -9 at any moment leaves at worst one torn slot, which reads as a gap.
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import {
  type Accumulator,
  accumulate,
  accumulatorOf,
  decodeSlot,
  encodeSlot,
  newAccumulator,
  type Slot,
  slotOf,
  slotSize,
} from './rrd-slot.ts';

export interface RrdArchive {
  /** seconds per slot */
  step: number;
  rows: number;
}

export interface RrdSpec {
  metrics: readonly string[];
  archives: readonly RrdArchive[];
}

export interface RrdFile {
  readonly path: string;
  readonly spec: RrdSpec;
  /** the file's size in bytes, fixed at creation */
  readonly size: number;
  /** Adds one sample taken at `tSec` (epoch seconds) to every archive's current slot. */
  add(tSec: number, values: ArrayLike<number | null>, max?: ArrayLike<number | null>): void;
  /** Writes the slots changed since the last flush (small positioned writes, adjacent ones merged). */
  flush(): Promise<void>;
  /** The archive's whole slots with `from <= start < to`, oldest first (the slot being filled included). */
  read(archive: number, fromSec: number, toSec: number): Promise<Slot[]>;
}

const MAGIC = 'QXRRD01\n';
const HEADER_SIZE = 1024;
const ZERO_CHUNK = 256 * 1024;

export function rrdFileSize(spec: RrdSpec): number {
  const s = slotSize(spec.metrics.length);
  return HEADER_SIZE + spec.archives.reduce((sum, a) => sum + a.rows * s, 0);
}

function headerOf(spec: RrdSpec): Buffer {
  const json = JSON.stringify({ metrics: spec.metrics, archives: spec.archives });
  const buf = Buffer.alloc(HEADER_SIZE);
  buf.write(MAGIC, 0, 'latin1');
  const len = buf.write(json, 8, 'utf8');
  if (len !== Buffer.byteLength(json)) throw new RangeError('RRD spec does not fit the header');
  return buf;
}

/**
 * Opens the file, creating it at its full size (zero-filled, under a temporary name renamed into
 * place) when it is missing or was made for another layout. `nowSec` picks the slots a restart
 * continues to fill.
 */
export async function openRrd(path: string, spec: RrdSpec, nowSec: number): Promise<RrdFile> {
  const size = rrdFileSize(spec);
  const header = headerOf(spec);
  const ss = slotSize(spec.metrics.length);
  const m = spec.metrics.length;
  const offsets: number[] = [];
  let at = HEADER_SIZE;
  for (const a of spec.archives) {
    offsets.push(at);
    at += a.rows * ss;
  }
  if (!(await matches(path, header, size))) await create(path, header, size);

  const startOf = (a: number, tSec: number) => {
    const step = spec.archives[a]?.step ?? 1;
    return Math.floor(tSec / step) * step;
  };
  const offsetOf = (a: number, start: number) => {
    const arc = spec.archives[a] as RrdArchive;
    return (offsets[a] ?? 0) + ((start / arc.step) % arc.rows) * ss;
  };

  // the slot each archive is filling; a restart in its middle continues it from the file
  const accs: Accumulator[] = [];
  {
    const fh = await open(path, 'r');
    try {
      for (let a = 0; a < spec.archives.length; a++) {
        const start = startOf(a, nowSec);
        const buf = Buffer.alloc(ss);
        await fh.read(buf, 0, ss, offsetOf(a, start));
        const slot = decodeSlot(buf, 0, m, start);
        accs.push(slot ? accumulatorOf(slot) : newAccumulator(start, m));
      }
    } finally {
      await fh.close();
    }
  }
  const dirty = new Set<number>();
  // finished slots not yet written, by file offset (bounded: one per slot of the file)
  const queued = new Map<number, Buffer>();
  let flushing: Promise<void> = Promise.resolve();

  const queue = (a: number, acc: Accumulator) => {
    const buf = Buffer.alloc(ss);
    encodeSlot(buf, 0, slotOf(acc));
    queued.set(offsetOf(a, acc.start), buf);
  };

  // Synchronous on purpose: a flush is a few small writes into the page cache (no fsync), and
  // 500 files through the thread pool cost ~10× the CPU in round trips; the recorder yields
  // between files so the event loop never stalls for more than one file's writes.
  const writeQueued = () => {
    for (const a of dirty) queue(a, accs[a] as Accumulator);
    dirty.clear();
    if (queued.size === 0) return;
    const writes = [...queued.entries()].sort((x, y) => x[0] - y[0]);
    const fd = openSync(path, constants.O_WRONLY);
    try {
      // adjacent slots (a batch of minutes) go out as one write
      for (let i = 0; i < writes.length; ) {
        const [offset] = writes[i] as [number, Buffer];
        const parts: Buffer[] = [];
        let end = offset;
        while (i < writes.length && (writes[i] as [number, Buffer])[0] === end) {
          parts.push((writes[i] as [number, Buffer])[1]);
          end += ss;
          i++;
        }
        if (end > size) throw new RangeError(`RRD write past the end of ${path}`);
        const buf = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
        let done = 0;
        while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, offset + done);
      }
      // written: forget them, unless a newer version of a slot was queued meanwhile
      for (const [offset, buf] of writes) if (queued.get(offset) === buf) queued.delete(offset);
    } finally {
      closeSync(fd);
    }
  };

  return {
    path,
    spec,
    size,
    add(tSec, values, max) {
      for (let a = 0; a < spec.archives.length; a++) {
        const start = startOf(a, tSec);
        let acc = accs[a] as Accumulator;
        // a sample a little late for its slot is dropped; a clock set back further (a wrong clock
        // corrected) starts over from the new time rather than waiting for the old one
        const step = spec.archives[a]?.step ?? 1;
        if (start < acc.start && acc.start - start <= step) continue;
        if (start !== acc.start) {
          if (acc.n > 0) queue(a, acc);
          acc = newAccumulator(start, m);
          accs[a] = acc;
        }
        accumulate(acc, values, max);
        dirty.add(a);
      }
    },
    flush() {
      flushing = flushing.catch(() => {}).then(writeQueued);
      return flushing;
    },
    async read(a, fromSec, toSec) {
      const arc = spec.archives[a];
      if (!arc) throw new RangeError(`no archive ${a}`);
      await flushing.catch(() => {});
      const buf = Buffer.alloc(arc.rows * ss);
      const fh = await open(path, 'r');
      try {
        await fh.read(buf, 0, buf.length, offsets[a]);
      } finally {
        await fh.close();
      }
      const acc = accs[a] as Accumulator;
      const out: Slot[] = [];
      // never more than one lap of the ring: older times share their slots with newer ones
      const first = Math.max(Math.ceil(fromSec / arc.step) * arc.step, 0);
      const lo = Math.max(first, startOf(a, toSec - 1) - (arc.rows - 1) * arc.step);
      for (let start = lo; start < toSec; start += arc.step) {
        if (start === acc.start) {
          if (acc.n > 0) out.push(slotOf(acc));
          continue;
        }
        const pending = queued.get(offsetOf(a, start));
        const slot = pending
          ? decodeSlot(pending, 0, m, start)
          : decodeSlot(buf, offsetOf(a, start) - (offsets[a] ?? 0), m, start);
        if (slot) out.push(slot);
      }
      return out;
    },
  };
}

async function writeAll(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
    done += bytesWritten;
  }
}

async function matches(path: string, header: Buffer, size: number): Promise<boolean> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const st = await fh.stat();
    if (st.size !== size) return false;
    const buf = Buffer.alloc(HEADER_SIZE);
    await fh.read(buf, 0, HEADER_SIZE, 0);
    return buf.equals(header);
  } finally {
    await fh.close();
  }
}

/** Full size at once, zero-filled (real blocks, not a sparse file), under a temporary name. */
async function create(path: string, header: Buffer, size: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await writeAll(fh, header, 0);
    const zeros = Buffer.alloc(ZERO_CHUNK);
    for (let at = HEADER_SIZE; at < size; at += ZERO_CHUNK) {
      await writeAll(fh, zeros.subarray(0, Math.min(ZERO_CHUNK, size - at)), at);
    }
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
}
