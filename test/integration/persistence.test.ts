import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { EventList, EventsState, HostState, MintedToken, PingResponse } from '@quantix/shared';
import {
  ADMIN,
  HOST_CLI,
  type RunningHost,
  setupAdmin,
  startHost,
  tempDataDir,
} from '../support/host-process.ts';
import { serveAgain } from '../support/server-process.ts';
import { CookieJar } from '../support/https-client.ts';

const ping = async (h: RunningHost) => PingResponse.parse((await h.api('/api/v1/registration/ping')).json);

describe('state survives restarts and crashes', () => {
  const data = tempDataDir();
  after(() => data.remove());

  it('keeps the host id and SPKI fingerprint across restarts', async () => {
    const first = await startHost({ dataDir: data.dir });
    const a = await ping(first);
    await setupAdmin(first);
    assert.equal(await first.stop(), 0, 'SIGTERM is a clean exit');
    const second = await startHost({ dataDir: data.dir });
    try {
      const b = await ping(second);
      assert.equal(b.hostId, a.hostId);
      assert.equal(b.spki, a.spki);
      assert.doesNotMatch(second.output(), /Setup code/, 'no setup code once an admin exists');
    } finally {
      await second.stop();
    }
  });

  it('a host.json damaged right after setup is restored with the admin in it', async () => {
    const fresh = tempDataDir();
    try {
      const first = await startHost({ dataDir: fresh.dir });
      await setupAdmin(first); // the one state write since the first start
      await first.kill9();
      writeFileSync(`${fresh.dir}/host.json`, '{"schema":1,"hostId":"');
      const second = await startHost({ dataDir: fresh.dir });
      try {
        assert.doesNotMatch(second.output(), /Setup code/, 'the host does not ask for setup again');
        const jar = new CookieJar();
        const login = await second.api('/api/v1/auth/login', { method: 'POST', body: ADMIN, jar });
        assert.equal(login.status, 200, login.text);
        const events = EventList.parse((await second.api('/api/v1/events?limit=20', { jar })).json).events;
        assert.ok(events.some((e) => /restored from backup/.test(e.message)));
        assert.equal(readdirSync(fresh.dir).filter((n) => n.startsWith('host.json.corrupt-')).length, 1);
      } finally {
        await second.stop();
      }
    } finally {
      fresh.remove();
    }
  });

  it('a second process on the same data directory exits with STATE_LOCKED', async () => {
    const running = await startHost({ dataDir: data.dir });
    try {
      const result = await serveAgain(HOST_CLI, data.dir);
      assert.notEqual(result.code, 0);
      assert.match(result.err, /STATE_LOCKED/);
      assert.match(result.err, new RegExp(`pid ${running.pid}`));
      assert.equal((await running.api('/api/v1/registration/ping')).status, 200, 'the owner keeps running');
    } finally {
      await running.stop();
    }
  });

  it('kill -9 in the middle of writes leaves readable state holding every acknowledged change', async () => {
    const acknowledged: string[] = [];
    for (let round = 0; round < 4; round++) {
      const host = await startHost({ dataDir: data.dir });
      const jar = new CookieJar();
      const login = await host.api('/api/v1/auth/login', {
        method: 'POST',
        body: { username: 'admin', password: 'correct horse battery' },
        jar,
      });
      assert.equal(login.status, 200, login.text);
      // Keep 4 mints in flight at all times and kill the process while they are being written.
      let stop = false;
      const worker = async () => {
        while (!stop) {
          const res = await host
            .api('/api/v1/registration/tokens', { method: 'POST', jar })
            .catch(() => null);
          if (res?.status === 201) acknowledged.push(MintedToken.parse(res.json).tokenId);
        }
      };
      const workers = [worker(), worker(), worker(), worker()];
      // some mints acknowledged in this round (however loaded the machine), then kill mid-write
      const before = acknowledged.length;
      const deadline = Date.now() + 30_000;
      while (acknowledged.length < before + 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 50 + round * 70));
      await host.kill9();
      stop = true;
      await Promise.all(workers);

      const state = HostState.parse(JSON.parse(readFileSync(`${data.dir}/host.json`, 'utf8')));
      EventsState.parse(JSON.parse(readFileSync(`${data.dir}/events.json`, 'utf8')));
      const stored = new Set(state.tokens.map((t) => t.id));
      // The token list keeps the newest 20. With 4 requests in flight, answers can arrive up to 4 places
      // out of order, so each of the last 16 acknowledged mints must be stored.
      for (const id of acknowledged.slice(-16))
        assert.ok(stored.has(id), `acknowledged token ${id} survived kill -9`);
    }
    assert.ok(
      acknowledged.length >= 8,
      `enough writes were acknowledged to mean something (${acknowledged.length})`,
    );
    const last = await startHost({ dataDir: data.dir });
    try {
      assert.equal(
        (await last.api('/api/v1/registration/ping')).status,
        200,
        'restarts cleanly after the crashes',
      );
      // writes cut short by the kills left temp files (named with the writer's pid); the start swept
      // them. Only the running host's own writes may be in flight.
      assert.deepEqual(
        readdirSync(data.dir).filter((n) => /\.(tmp|baktmp)$/.test(n) && !n.includes(`.${last.pid}.`)),
        [],
      );
    } finally {
      await last.stop();
    }
  });
});
