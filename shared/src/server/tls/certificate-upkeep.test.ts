import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { it } from 'node:test';
import { EventsState, type HostEvent } from '@quantix/shared';
import pino from 'pino';
import { createEventStore, initialEventsState } from '../events/event-store.ts';
import { openJsonStore } from '../state/json-store.ts';
import { tempRoot } from '../state/temp-root.test-helper.ts';
import { ensureCertificate, type HostCertificate } from './certificate.ts';
import { keepCertificateCurrent } from './certificate-upkeep.ts';
import { secureContextOptions } from './tls-options.ts';

const root = tempRoot('qx-upkeep-');

it('says a renewal in the log and the event log, and a failed check in the log', async () => {
  const opts = {
    dir: join(root.path, 'tls'),
    organization: 'Quantix test',
    hostname: 'upkeep',
    addresses: [],
  };
  const first = await ensureCertificate(opts);
  const server = createServer(secureContextOptions(first));
  const store = await openJsonStore({
    file: join(root.path, 'events.json'),
    schema: EventsState,
    initial: initialEventsState,
  });
  const events = createEventStore({ store });
  const lines: Array<{ msg: string; level: number }> = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const recorded: HostEvent[] = [];
  events.onEvent((e) => recorded.push(e));

  // the first check fails, the second finds the certificate 380 days older and renews it
  let checks = 0;
  const ensure = () =>
    ++checks === 1
      ? Promise.reject(new Error('disk gone'))
      : ensureCertificate({ ...opts, now: () => new Date(Date.now() + 380 * 86_400_000) });
  let renewed: HostCertificate | null = null;
  const stop = keepCertificateCurrent({
    server,
    current: first,
    ensure,
    onRenewed: (c) => {
      renewed = c;
    },
    log,
    events,
    intervalMs: 20,
  });
  for (let i = 0; i < 1500 && recorded.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  await stop();

  const next = renewed as HostCertificate | null;
  assert.ok(next, 'onRenewed was told');
  assert.equal(next.spki, first.spki);
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg]),
    [
      [50, 'certificate renewal failed'],
      [30, 'certificate renewed'],
    ],
  );
  assert.equal(recorded.length, 1);
  assert.equal(recorded[0]?.category, 'security');
  assert.equal(
    recorded[0]?.message,
    `TLS certificate renewed until ${next.notAfter.toISOString()} (same key)`,
  );
});
