import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorBody } from '@quantix/shared';
import { ADMIN, type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { HttpResponse } from '../support/https-client.ts';

const code = (json: unknown) => ErrorBody.parse(json).error.code;

/**
 * The password checks are queued (two at a time, eight waiting). When the queue is full a login is
 * refused before any check: that must be 429 for every username — an existing user must not get
 * 401 where an unknown one gets 429 — and must never count as a failed attempt, or a flood of
 * bogus logins would lock the real administrator out.
 */
describe('a full password-check queue', () => {
  const data = tempDataDir();
  let host: RunningHost;
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    await setupAdmin(host);
  });
  after(async () => {
    await host.stop();
    data.remove();
  });

  const login = (body: { username: string; password: string }) =>
    host.api('/api/v1/auth/login', { method: 'POST', body, timeoutMs: 120_000 });

  it('answers 429 with Retry-After to known and unknown users alike, and the admin logs in right after', async () => {
    // The flood: bogus users (one each, so no per-user limit trips), kept at 14 in flight — each
    // finished check is replaced, so the queue stays full while the probes run. Bounded to 60
    // requests, well inside the 100 logins per address.
    let sent = 0;
    let stop = false;
    let firstBusy: () => void = () => {};
    const busy = new Promise<void>((r) => {
      firstBusy = r;
    });
    const inFlight = new Set<Promise<void>>();
    const floodOne = () => {
      if (stop || sent >= 60) return;
      const i = sent++;
      const p: Promise<void> = login({ username: `flood-${i}`, password: 'guess guess guess' }).then(
        (res) => {
          inFlight.delete(p);
          if (res.status === 429) firstBusy();
          else floodOne(); // a check finished: a queue slot is free again, fill it
        },
      );
      inFlight.add(p);
    };
    for (let i = 0; i < 14; i++) floodOne();
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000).unref());
    assert.notEqual(await Promise.race([busy, timeout]), 'timeout', 'the flood filled the queue');

    const probes: Array<Promise<HttpResponse>> = [];
    for (let i = 0; i < 8; i++) probes.push(login(ADMIN));
    for (let i = 0; i < 4; i++)
      probes.push(login({ username: 'nobody-here', password: 'guess guess guess' }));
    const answers = await Promise.all(probes);
    stop = true;
    const known = answers.slice(0, 8);
    const unknown = answers.slice(8);

    // A probe may, rarely, slip into a slot the moment a check finishes: then it is really
    // checked (200 for the admin, 401 for nobody). A right password is never "wrong".
    for (const r of known) assert.ok([200, 429].includes(r.status), `admin got ${r.status}: ${r.text}`);
    for (const r of unknown) assert.ok([401, 429].includes(r.status), `unknown user got ${r.status}`);
    for (const group of [known, unknown]) {
      const limited = group.filter((r) => r.status === 429);
      assert.ok(limited.length > 0, 'refused while the queue is full');
      for (const r of limited) {
        assert.equal(code(r.json), 'RATE_LIMITED');
        assert.ok(Number(r.headers['retry-after']) > 0, 'Retry-After is set');
      }
    }
    assert.ok(
      known.filter((r) => r.status === 429).length >= 5,
      'at least five refusals of the right password, which as failures would have locked the admin out',
    );

    for (let i = 0; i < 100 && inFlight.size > 0; i++) await Promise.all([...inFlight]);
    const after = await login(ADMIN);
    assert.equal(after.status, 200, `the admin logs in once the flood is over: ${after.text}`);
  });
});
