// Integration: the real /proc reader on this machine behind the real sampler.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { TelemetrySample } from '@quantix/shared';
import { createProcReader } from './proc-reader.ts';
import { createTelemetrySampler } from './sampler.ts';

const INTERVAL = 200;

describe('telemetry sampler on this machine’s /proc', () => {
  it('samples while watched, with sane values, and stops on release', async () => {
    const reader = createProcReader();
    const sampler = createTelemetrySampler({ reader, intervalMs: INTERVAL });
    try {
      const samples: TelemetrySample[] = [];
      sampler.onSample((s) => samples.push(TelemetrySample.parse(s)));
      const release = sampler.watch();
      while (samples.length < 3) await sampler.nextSample();

      const statText = fs.readFileSync('/proc/stat', 'utf8');
      const cpuLines = statText.split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
      const memTotalKb = Number(/^MemTotal:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1]);

      // on the grid, a late pass is followed by an early one: each interval is only positive and
      // sane, and together they span the grid's three steps (a busy machine makes them longer)
      const span = samples.slice(0, 3).reduce((sum, s) => sum + s.interval, 0);
      assert.ok(span >= ((INTERVAL * 3) / 1000) * 0.9, `three intervals span ${span} s`);
      for (const s of samples) {
        assert.ok(s.interval > 0 && s.interval < 30, `interval ${s.interval}`);
        assert.ok(s.cpu.total >= 0 && s.cpu.total <= 100);
        assert.equal(s.cpu.cores.length, cpuLines);
        // cpuN lines are the online CPUs; affinity or a cpuset may leave this process fewer
        assert.ok(cpuLines >= os.availableParallelism());
        assert.equal(s.memory.total, memTotalKb * 1024);
        assert.ok(s.memory.used > 0 && s.memory.used < s.memory.total);
        assert.ok(s.uptime > 0);
        assert.ok(Math.abs(s.t - Date.now()) < 60_000);
        const root = s.filesystems.find((f) => f.mount === '/');
        assert.ok(root && root.size > 0, JSON.stringify(s.filesystems));
      }
      const [a, b, c] = samples;
      assert.ok(a && b && c && a.t < b.t && b.t < c.t);
      assert.ok(c.uptime > a.uptime);

      release();
      assert.equal(sampler.running, false);
      const count = samples.length;
      await sleep(INTERVAL * 3);
      assert.equal(samples.length, count);
      assert.deepEqual(sampler.latest(), samples.at(-1));
      assert.equal(sampler.history(60).length, count);
    } finally {
      sampler.close();
      reader.close();
    }
  });
});
