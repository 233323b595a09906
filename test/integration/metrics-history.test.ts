import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HOST_HISTORY_METRICS, HistorySeries, VM_HISTORY_METRICS } from '@quantix/shared';
import { specOf } from '../../host/src/history/history-bins.ts';
import { rrdFileSize } from '../../host/src/history/rrd-file.ts';
import { ADMIN, type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import { CookieJar } from '../support/https-client.ts';

/** Polls `fn` every 250 ms until it returns a value, at most `tries` times. */
async function until<T>(fn: () => Promise<T | null>, tries = 40): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('condition not met in time');
}

describe('metrics history API (test:///default)', () => {
  const data = tempDataDir('qxhist-api-');
  let host: RunningHost;
  let admin: CookieJar;
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
  });
  after(async () => {
    await host.stop();
    data.remove();
  });

  const series = async (path: string): Promise<HistorySeries> => {
    const res = await host.api(path, { jar: admin });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return HistorySeries.parse(res.json);
  };

  it('needs a session', async () => {
    const res = await host.api('/api/v1/telemetry/history?range=day');
    assert.equal(res.status, 401);
  });

  it('records the host without anyone watching: the hour from memory, the day from the file', async () => {
    const hour = await until(async () => {
      const s = await series('/api/v1/telemetry/history?range=hour');
      return s.points.length >= 2 ? s : null;
    });
    assert.deepEqual(hour.metrics, [...HOST_HISTORY_METRICS]);
    assert.equal(hour.stepSeconds, 5);
    const cpu = hour.metrics.indexOf('cpu');
    const memTotal = hour.metrics.indexOf('memTotal');
    for (const p of hour.points) {
      const c = p.avg[cpu];
      assert.ok(c !== null && c !== undefined && c >= 0 && c <= 100, `cpu ${c}`);
      assert.ok((p.avg[memTotal] ?? 0) > 0);
      assert.ok(p.t >= hour.from && p.t <= hour.to);
    }
    // the minute being filled is part of the day already
    const day = await series('/api/v1/telemetry/history?range=day');
    assert.equal(day.stepSeconds, 120);
    assert.ok(day.points.length >= 1);
    assert.ok((day.points.at(-1)?.max[cpu] ?? -1) >= 0);
    for (const range of ['week', 'month', 'year']) {
      const s = await series(`/api/v1/telemetry/history?range=${range}`);
      assert.equal(s.range, range);
      assert.ok(s.points.length >= 1, `${range} has the current slot`);
    }
  });

  it('refuses an unknown range', async () => {
    const res = await host.api('/api/v1/telemetry/history?range=decade', { jar: admin });
    assert.equal(res.status, 400);
    assert.equal((res.json as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
  });

  it('answers a VM history, and VM_NOT_FOUND for a VM that does not exist', async () => {
    const list = await host.api('/api/v1/vms', { jar: admin });
    const vm = (list.json as { vms: Array<{ uuid: string; name: string }> }).vms.find(
      (v) => v.name === 'test',
    );
    assert.ok(vm, 'the test driver has its "test" VM');
    for (const range of ['hour', 'day', 'year']) {
      const s = await series(`/api/v1/vms/${vm.uuid}/history?range=${range}`);
      assert.deepEqual(s.metrics, [...VM_HISTORY_METRICS]);
    }
    const missing = await host.api('/api/v1/vms/b1e2c3d4-0000-4000-8000-00000000abcd/history?range=day', {
      jar: admin,
    });
    assert.equal(missing.status, 404);
    assert.equal((missing.json as { error: { code: string } }).error.code, 'VM_NOT_FOUND');
    const bad = await host.api('/api/v1/vms/not-a-uuid/history', { jar: admin });
    assert.equal(bad.status, 400);
  });

  it('keeps the history across a restart, in a file of its fixed size', async () => {
    const before = await series('/api/v1/telemetry/history?range=day');
    const first = before.points[0];
    assert.ok(first);
    await host.stop(); // flushes on the way out
    const file = join(data.dir, 'history', 'host.rrd');
    assert.equal(statSync(file).size, rrdFileSize(specOf(HOST_HISTORY_METRICS)));
    host = await startHost({ dataDir: data.dir });
    admin = new CookieJar();
    const res = await host.api('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar: admin });
    assert.equal(res.status, 200);
    const again = await series('/api/v1/telemetry/history?range=day');
    assert.ok(
      again.points.some((p) => p.t === first.t),
      'the minute recorded before the restart is read back from the file',
    );
    assert.equal(statSync(file).size, rrdFileSize(specOf(HOST_HISTORY_METRICS)));
  });
});
