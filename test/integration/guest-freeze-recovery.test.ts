import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventList } from '@quantix/shared';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';

// A host killed between freezing a guest's filesystems for a snapshot and thawing them leaves the
// guest's mark in guest-freezes.json: the next start thaws it (the test driver answers FSThaw as
// an agent would) and drops the mark. The test driver's own running guest "test" stands in.
const TEST_VM = '6695eb01-f6a4-8304-79aa-97f2502e193f';
const GONE = '0badc0de-0000-4000-8000-000000000001';

describe('guests left frozen by a host that stopped mid-snapshot', () => {
  const data = tempDataDir('qxfixb-freeze-');
  let host: RunningHost;
  let admin: CookieJar;
  const file = join(data.dir, 'guest-freezes.json');
  before(async () => {
    writeFileSync(file, JSON.stringify({ uuids: [TEST_VM, GONE] }));
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
  });
  after(async () => {
    await host.stop();
    data.remove();
  });
  const api = (method: string, path: string, body?: unknown) =>
    host.api(`/api/v1${path}`, { method, jar: admin, body });
  const marks = () => (JSON.parse(readFileSync(file, 'utf8')) as { uuids: string[] }).uuids;

  it('thaws a running VM that carries the mark at start, says so, and clears every mark', async () => {
    let thawed: string | undefined;
    for (let i = 0; i < 100 && !(thawed && marks().length === 0); i++) {
      const events = EventList.parse((await api('GET', '/events?limit=50')).json);
      thawed = events.events.find((e) =>
        /frozen for a snapshot when the host stopped, were thawed/.test(e.message),
      )?.message;
      if (!(thawed && marks().length === 0)) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(thawed ?? '', /^VM "test": /);
    assert.deepEqual(marks(), []);
  });
});
