import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError, EventsState, type StoredUser } from '@quantix/shared';
import type { z } from 'zod';
import { createAuthService } from '../auth/auth.service.ts';
import { createPasswordHasher } from '../auth/password-hash.ts';
import { createSessionStore } from '../auth/sessions.ts';
import { createSetupCodes } from '../auth/setup-code.ts';
import { usersIn } from '../auth/user-store.ts';
import { createEventStore, initialEventsState } from '../events/event-store.ts';
import { hostAddresses } from '../http/network-addresses.ts';
import { createLogger } from '../logging/logger.ts';
import { createDataDisk } from '../state/data-disk.ts';
import { reportDataDisk } from '../state/data-disk-report.ts';
import { acquireDataLock } from '../state/data-lock.ts';
import { sweepTempFiles } from '../state/durable-file.ts';
import { openJsonStore } from '../state/json-store.ts';
import { ensureCertificate } from '../tls/certificate.ts';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * The start-up every Quantix server shares, in its order: the data-dir lock, the data-disk watch,
 * the log, leftovers of interrupted writes swept, the server's own state file (which keeps its
 * accounts) and events.json, the TLS identity, and accounts with sessions and the setup code.
 * What differs (the state schema, the certificate's organization, the service name) is a parameter.
 */
export async function openServerCore<T extends { users: StoredUser[] }>(o: {
  dataDir: string;
  /** `quantix-host`, `quantix-hub`: the log file's and the log lines' name */
  service: string;
  logLevel: LogLevel;
  /** the state file in the data directory, e.g. `host.json` */
  stateFile: string;
  schema: z.ZodType<T>;
  initial: () => T;
  /** the certificate's organization, e.g. `Quantix host` */
  organization: string;
  sessionIdleMs: number;
}) {
  const { dataDir } = o;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireDataLock(dataDir);
  // told by every writer of the data directory; probes it while it is full or read-only
  const disk = createDataDisk({ dir: dataDir });
  const logFile = join(dataDir, 'logs', `${o.service}.log`);
  const log = createLogger({
    file: logFile,
    level: o.logLevel,
    service: o.service,
    onFault: (err) => disk.writeFailed(err),
  });
  // we hold the lock and nothing has written yet: temp files here are a crashed write's leftovers
  const swept = [...(await sweepTempFiles(dataDir)), ...(await sweepTempFiles(join(dataDir, 'tls')))];
  if (swept.length) log.info({ files: swept }, 'removed temp files left by an interrupted write');

  const recovered: string[] = [];
  const onRecovered = (i: { file: string; reason: string }) => {
    recovered.push(`${i.file}: ${i.reason}`);
    log.warn(i, 'state file was unreadable; restored from its .bak');
  };
  const state = await openJsonStore({
    file: join(dataDir, o.stateFile),
    schema: o.schema,
    initial: o.initial,
    onRecovered,
    disk,
  });
  const eventsStore = await openJsonStore({
    file: join(dataDir, 'events.json'),
    schema: EventsState,
    initial: initialEventsState,
    onRecovered,
    disk,
  });
  // names and addresses are read again at every check: a renamed or re-addressed server gets a
  // certificate that covers it (same key, same fingerprint)
  const ensureCert = () =>
    ensureCertificate({
      dir: join(dataDir, 'tls'),
      hostname: hostname(),
      organization: o.organization,
      addresses: hostAddresses(),
    });
  const cert = await ensureCert();

  const events = createEventStore({
    store: eventsStore,
    onWriteError: (err, e) => {
      // a full disk is reported once, by reportDataDisk; the event stays in memory until it fits
      if (!(err instanceof AppError && err.code === 'STORAGE_FULL'))
        log.error({ err, event: e.message }, 'could not write the event log');
    },
  });
  const stopDiskReport = reportDataDisk({ disk, events, log });
  const sessions = createSessionStore({ idleTimeoutMs: o.sessionIdleMs });
  const auth = createAuthService({
    users: usersIn(state),
    hasher: createPasswordHasher(),
    sessions,
    setupCodes: createSetupCodes(),
    events,
  });
  return {
    dataDir,
    lock,
    disk,
    log,
    logFile,
    recovered,
    state,
    events,
    ensureCert,
    cert,
    stopDiskReport,
    sessions,
    auth,
  };
}
export type ServerCore<T extends { users: StoredUser[] }> = Awaited<ReturnType<typeof openServerCore<T>>>;
