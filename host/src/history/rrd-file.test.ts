import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ARCHIVES, rebin, specOf } from './history-bins.ts';
import { openRrd, type RrdSpec, rrdFileSize } from './rrd-file.ts';
import { slotSize } from './rrd-slot.ts';

const dir = mkdtempSync(join(tmpdir(), 'qxhist-rrd-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `f${n++}.rrd`);

const T0 = 1_700_000_000 - (1_700_000_000 % 1800); // on a 30-min boundary
const TWO: RrdSpec = { metrics: ['a', 'b'], archives: [{ step: 60, rows: 5 }] };

describe('round-robin file', () => {
  it('is created at its full size and consolidates averages and maxima per archive', async () => {
    const path = file();
    const rrd = await openRrd(path, specOf(['cpu', 'mem']), T0);
    assert.equal(statSync(path).size, rrdFileSize(specOf(['cpu', 'mem'])));
    // two minutes of 1 s samples: cpu = second within the minute, mem unknown in the 2nd minute
    for (let s = 0; s < 120; s++) rrd.add(T0 + s, [s % 60, s < 60 ? 100 : null]);
    await rrd.flush();
    const mins = await rrd.read(0, T0, T0 + 120);
    assert.equal(mins.length, 2);
    assert.equal(mins[0]?.n, 60);
    assert.equal(mins[0]?.avg[0], 29.5);
    assert.equal(mins[0]?.max[0], 59);
    assert.equal(mins[0]?.avg[1], 100);
    assert.ok(Number.isNaN(mins[1]?.avg[1]));
    const half = await rrd.read(1, T0, T0 + 1800);
    assert.equal(half.length, 1);
    assert.equal(half[0]?.n, 120);
    assert.equal(half[0]?.avg[0], 29.5);
    assert.equal(half[0]?.max[0], 59);
    // re-binned: one point for both minutes, in ms
    const pts = rebin(mins, 3600);
    assert.equal(pts.length, 1);
    assert.deepEqual(pts[0], { t: (T0 - (T0 % 3600)) * 1000, avg: [29.5, 100], max: [59, 100] });
  });

  it('continues the slot being filled after a reopen (a restart mid-minute)', async () => {
    const path = file();
    const a = await openRrd(path, TWO, T0);
    for (let s = 0; s < 10; s++) a.add(T0 + s, [1, 1]);
    await a.flush();
    const b = await openRrd(path, TWO, T0 + 20);
    for (let s = 20; s < 30; s++) b.add(T0 + s, [3, 5]);
    await b.flush();
    const [slot] = await (await openRrd(path, TWO, T0 + 40)).read(0, T0, T0 + 60);
    assert.equal(slot?.n, 20);
    assert.equal(slot?.avg[0], 2);
    assert.equal(slot?.max[1], 5);
  });

  it('wraps around: one lap of the ring is kept, older slots are overwritten', async () => {
    const path = file();
    const rrd = await openRrd(path, TWO, T0);
    for (let i = 0; i < 12; i++) rrd.add(T0 + i * 60, [i, i]);
    await rrd.flush();
    const all = await rrd.read(0, T0 - 3600, T0 + 12 * 60);
    assert.deepEqual(
      all.map((s) => s.avg[0]),
      [7, 8, 9, 10, 11],
    );
    // asking for the overwritten past gives nothing rather than newer data under old times
    assert.deepEqual(await rrd.read(0, T0, T0 + 5 * 60), []);
    assert.equal(statSync(path).size, rrdFileSize(TWO));
  });

  it('drops a late sample, and starts over when the clock is set back further', async () => {
    const path = file();
    const rrd = await openRrd(path, TWO, T0);
    rrd.add(T0 + 120, [1, 1]);
    rrd.add(T0 + 100, [9, 9]); // the minute before: late, dropped
    rrd.add(T0 + 130, [3, 3]);
    assert.deepEqual(
      (await rrd.read(0, T0, T0 + 180)).map((s) => [s.start - T0, s.avg[0]]),
      [[120, 2]],
    );
    // a clock 10 days ahead, then corrected: recording goes on at the right time
    rrd.add(T0 + 10 * 86_400, [5, 5]);
    rrd.add(T0 + 240, [7, 7]);
    await rrd.flush();
    assert.deepEqual(
      (await rrd.read(0, T0, T0 + 300)).map((s) => [s.start - T0, s.avg[0]]),
      [
        [120, 2],
        [240, 7],
      ],
    );
  });

  it('reads a torn or stale slot as a gap', async () => {
    const path = file();
    const rrd = await openRrd(path, TWO, T0);
    for (let i = 0; i < 5; i++) rrd.add(T0 + i * 60, [i, i]);
    await rrd.flush();
    const ss = slotSize(2);
    const fd = openSync(path, 'r+');
    // minute 1: half a slot of other bytes (a write torn by a crash)
    writeSync(fd, Buffer.alloc(ss / 2, 0xab), 0, ss / 2, 1024 + 1 * ss + 12);
    writeSync(fd, Buffer.alloc(4, 0x01), 0, 4, 1024 + 3 * ss + 20); // minute 3: one flipped value
    const fresh = await openRrd(path, TWO, T0 + 4 * 60);
    const slots = await fresh.read(0, T0, T0 + 5 * 60);
    assert.deepEqual(
      slots.map((s) => s.avg[0]),
      [0, 2, 4],
    );
    // a slot from a minute of the previous lap (stamp ≠ asked time) is a gap too
    assert.deepEqual(await fresh.read(0, T0 + 5 * 60 * 60, T0 + 5 * 60 * 60 + 60), []);
  });

  it('replaces a file made for another layout', async () => {
    const path = file();
    await openRrd(path, TWO, T0);
    const other: RrdSpec = { metrics: ['a', 'b', 'c'], archives: [{ step: 60, rows: 7 }] };
    await openRrd(path, other, T0);
    assert.equal(statSync(path).size, rrdFileSize(other));
  });

  it('keeps its size over a simulated year of minutes, and the year archive holds it', async () => {
    const path = file();
    const spec = specOf(['cpu', 'mem', 'x', 'y', 'z', 'w']);
    const size = rrdFileSize(spec);
    const rrd = await openRrd(path, spec, T0);
    const day = 1440;
    for (let d = 0; d < 365; d++) {
      for (let m = 0; m < day; m++) {
        const t = T0 + (d * day + m) * 60;
        rrd.add(t, [d, m % 60, 1, 2, 3, 4], [d + 1, m % 60, 1, 2, 3, 4]);
      }
      await rrd.flush(); // once a simulated day: a day's minutes go out as a few merged writes
      if (d % 30 === 0) assert.equal(statSync(path).size, size, `size after day ${d}`);
    }
    assert.equal(statSync(path).size, size);
    const end = T0 + 365 * day * 60;
    const year = await rrd.read(1, end - 365 * 86_400, end);
    assert.equal(year.length, 365 * 48);
    assert.equal(year[0]?.avg[0], 0);
    assert.equal(year.at(-1)?.avg[0], 364);
    assert.equal(year.at(-1)?.max[0], 365);
    const week = await rrd.read(0, end - 30 * 86_400, end);
    assert.equal(week.length, ARCHIVES[0].rows, 'the minute archive keeps exactly 7 days');
    assert.equal(week[0]?.start, end - 7 * 86_400);
  });

  it('is readable after a writer is killed with SIGKILL at any moment', async () => {
    const path = file();
    const helper = fileURLToPath(new URL('./rrd-writer.test-helper.ts', import.meta.url));
    for (let round = 0; round < 3; round++) {
      let last = 0;
      const child = spawn(process.execPath, ['--import', 'tsx', helper, path, String(T0)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        // wait until it has flushed a few hundred times, then kill it mid-stride
        await new Promise<void>((resolve, reject) => {
          let seen = 0;
          child.stdout.on('data', (b: Buffer) => {
            const lines = b.toString().trim().split('\n');
            seen += lines.length;
            last = Number(lines.at(-1));
            if (seen >= 200 + round * 100) resolve();
          });
          child.on('exit', (code) => reject(new Error(`writer exited early (${code})`)));
        });
      } finally {
        child.kill('SIGKILL');
      }
      await new Promise((r) => child.once('close', r));
      assert.equal(statSync(path).size, rrdFileSize(TWO));
      const rrd = await openRrd(path, TWO, T0);
      // the ring's lap around the last minute it said it flushed (it may have begun the next)
      const slots = await rrd.read(0, T0 + (last - 3) * 60, T0 + (last + 2) * 60);
      assert.ok(slots.length > 0, 'some slots survive');
      // every slot that reads is one the writer wrote: value = its minute number, n = 3
      for (const s of slots) {
        assert.equal(s.n, 3);
        assert.equal(s.avg[0], (s.start - T0) / 60);
        assert.equal(s.max[1], 7);
      }
    }
  });
});
