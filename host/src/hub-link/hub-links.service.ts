import {
  AppError,
  decodeEnrollment,
  type DiscoveryReport,
  type JoinHubResult,
  type LinkEnroll,
  type LinkRefusal,
  type LinkWelcome,
  type StoredHub,
} from '@quantix/shared';
import { type EventStore, type Logger, PinMismatchError } from '@quantix/shared/server';
import type { ObjectEvents } from '../hypervisor/object-events.ts';
import type { HubChange, RegistrationService } from '../registration/registration.service.ts';
import { newHubCredential } from '../registration/token-codec.ts';
import type { TelemetrySampler } from '../telemetry/sampler.ts';
import type { VmInventory } from '../vms/vm-inventory.ts';
import type { VmService } from '../vms/vm.service.ts';
import type { Dispatch } from './commands/dispatch.ts';
import { createHubLink, type HostLinkSocket, type HubLink, type LinkIdentity } from './hub-link.ts';
import type { HostStatusSource } from './host-status.ts';
import { attachLinkSession } from './link-session.ts';

export interface HubLinks {
  /** dials every hub this host belongs to, and follows the registration's changes */
  start(): void;
  /**
   * Joins the hub of a `qxh1.` string (idempotent: a hub already joined answers `already`). With
   * `retry`, an unreachable hub is dialled again until it answers (the ISO's kernel parameter at
   * boot); without, the first failure is the answer (the CLI). A refusal always ends it, and
   * leaves no record of the hub here.
   */
  join(enrollment: string, opts: { by: string; retry: boolean }): Promise<JoinHubResult>;
  /** the hubs whose link is up now (the console's banner) */
  linkedHubIds(): string[];
  stop(): void;
}

interface Entry {
  hubId: string | null;
  hubName: string;
  hubUrl: string;
  link: HubLink;
  session: (() => void) | null;
  /** the last refusal or failure said in the log and events, so a retry loop does not repeat it */
  lastTrouble: string | null;
  /** since when the link has not been up (epoch ms); null while it is */
  downSince: number | null;
}

interface PendingJoin {
  enroll: LinkEnroll;
  by: string;
  retry: boolean;
  resolve: (r: JoinHubResult) => void;
  reject: (err: AppError) => void;
}

const JOIN_TIMEOUT_MS = 15_000;
/** a link down this long is worth an event (a hub restarting, or adopting the host, is not) */
const TROUBLE_EVENT_AFTER_MS = 60_000;
const REVOKED_ACK_MS = 3000;

/**
 * The host's links to its hubs: one per stored hub (StoredHub with its pinned SPKI), started at
 * start-up and whenever the host is adopted or joins, closed when the admin revokes a hub (after
 * telling it) or the hub removes the host. What the host's services report — VM and pool changes,
 * new events — goes to every hub whose link is up.
 */
export function createHubLinks(deps: {
  registration: RegistrationService;
  identity: LinkIdentity;
  /** the host's own URL and inventory, given to a hub it joins */
  enrollInfo: () => Promise<{ url: string; inventory: DiscoveryReport }>;
  status: HostStatusSource;
  sampler: Pick<TelemetrySampler, 'watch' | 'onSample'>;
  dispatch: Dispatch;
  events: EventStore;
  inventory: Pick<VmInventory, 'onChange'>;
  vms: Pick<VmService, 'list'>;
  objects: Pick<ObjectEvents, 'onPool'>;
  log: Logger;
}): HubLinks {
  const { registration, log, events } = deps;
  const links = new Map<string, Entry>();
  const joining = new Set<Entry>();
  const offs: Array<() => void> = [];
  let started = false;
  /** a status goes to the hubs once the pools read after a pool change are in */
  let statusDue = false;

  const up = (): HostLinkSocket[] =>
    [...links.values()].flatMap((e) => {
      const s = e.session ? e.link.socket() : null;
      return s ? [s] : [];
    });

  const trouble = (entry: Entry, what: string, message: string) => {
    const lasting = entry.downSince !== null && Date.now() - entry.downSince >= TROUBLE_EVENT_AFTER_MS;
    const key = `${lasting}:${message}`;
    if (entry.lastTrouble === key) return;
    entry.lastTrouble = key;
    log.warn({ hubId: entry.hubId, hubUrl: entry.hubUrl, what }, message);
    if (entry.hubId && lasting)
      void events.record({
        level: 'warning',
        category: 'registration',
        message: `Link to hub "${entry.hubName}": ${message}`,
        source: 'system',
        details: { hubId: entry.hubId, what },
      });
  };

  function makeEntry(
    target: { hubUrl: string; hubSpki: string },
    hub: StoredHub | null,
    join?: PendingJoin,
  ): Entry {
    const entry: Entry = {
      hubId: hub?.hubId ?? null,
      hubName: hub?.hubName ?? target.hubUrl,
      hubUrl: target.hubUrl,
      link: null as unknown as HubLink,
      session: null,
      lastTrouble: null,
      downSince: Date.now(),
    };
    let pending = join;
    const endJoin = (err: AppError) => {
      if (!pending) return;
      const p = pending;
      pending = undefined;
      joining.delete(entry);
      entry.link.stop();
      p.reject(err);
    };
    // with retry, the link keeps dialling until the hub answers, however long the network takes
    if (pending && !pending.retry) {
      setTimeout(
        () =>
          endJoin(
            new AppError(
              'CONNECTION_TIMEOUT',
              `the hub at ${target.hubUrl} did not answer within ${JOIN_TIMEOUT_MS / 1000} s`,
            ),
          ),
        JOIN_TIMEOUT_MS,
      ).unref();
    }
    entry.link = createHubLink({
      target,
      identity: deps.identity,
      log,
      ...(join ? { enroll: join.enroll } : {}),
      handlers: {
        established: async (socket: HostLinkSocket, w: LinkWelcome) => {
          if (!pending && w.hubId !== entry.hubId)
            throw new Error(`the hub at ${target.hubUrl} says it is ${w.hubId}, not ${entry.hubId}`);
          const ctx = { hubId: w.hubId, hubName: w.hubName, by: `hub ${w.hubName}` };
          entry.session?.();
          entry.session = attachLinkSession({
            socket,
            ctx,
            status: deps.status,
            sampler: deps.sampler,
            dispatch: deps.dispatch,
            forget: (reason) => registration.forget(w.hubId, reason),
            log,
          });
          entry.hubName = w.hubName;
          entry.lastTrouble = null;
          entry.downSince = null;
          try {
            if (pending) {
              const p = pending;
              const old = links.get(w.hubId);
              if (old && old !== entry) {
                old.link.stop();
                old.session?.();
              }
              entry.hubId = w.hubId;
              links.set(w.hubId, entry); // before `joined` tells the listeners, which skip it then
              await registration.joined(
                {
                  hubId: w.hubId,
                  hubName: w.hubName,
                  hubUrl: target.hubUrl,
                  hubSpki: target.hubSpki,
                  credential: p.enroll.credential,
                  enrollmentId: p.enroll.id,
                },
                p.by,
              );
              pending = undefined;
              joining.delete(entry);
              p.resolve({ hubId: w.hubId, hubName: w.hubName, hubUrl: target.hubUrl, already: false });
            } else {
              // a full data disk must not take the link down with it
              await registration
                .linkSeen(w.hubId, w.hubName)
                .catch((err: unknown) => log.warn({ err }, 'could not record when the hub was last seen'));
            }
            log.info({ hubId: w.hubId, hubName: w.hubName }, 'hub link up');
          } catch (err) {
            entry.session?.();
            entry.session = null;
            if (pending) {
              links.delete(w.hubId);
              endJoin(
                err instanceof AppError
                  ? err
                  : new AppError('INTERNAL', 'could not record the hub; see the host log'),
              );
            }
            throw err;
          }
        },
        lost: (why) => {
          entry.session?.();
          entry.session = null;
          entry.downSince = Date.now();
          log.info({ hubId: entry.hubId, why }, 'hub link down');
        },
        refused: (r: LinkRefusal) => {
          if (pending) return endJoin(refusalError(r));
          if (r.code === 'removed' && entry.hubId) {
            void registration.forget(entry.hubId, 'the hub says it removed this host');
            return;
          }
          trouble(entry, r.code, `the hub refused the link (${r.code}): ${r.message}`);
        },
        failed: (err: Error) => {
          const e = failureError(err, target);
          if (pending && !pending.retry) return endJoin(e);
          trouble(entry, e.code, e.message);
        },
      },
    });
    return entry;
  }

  const onChange = async (c: HubChange): Promise<void> => {
    const entry = links.get(c.hub.hubId);
    if (c.kind === 'added') {
      if (entry || !started) return;
      const e = makeEntry(c.hub, c.hub);
      links.set(c.hub.hubId, e);
      e.link.start();
      return;
    }
    if (!entry) return;
    links.delete(c.hub.hubId);
    const socket = entry.link.socket();
    if (c.kind === 'revoked' && socket) {
      await socket
        .timeout(REVOKED_ACK_MS)
        .emitWithAck('host:revoked', { reason: 'revoked on the host' })
        .catch((err: unknown) => log.warn({ err }, 'the hub did not confirm the revocation'));
    }
    entry.link.stop();
    entry.session?.();
    entry.session = null;
  };

  return {
    start() {
      if (started) return;
      started = true;
      offs.push(registration.onHubsChanged(onChange));
      offs.push(
        deps.events.onEvent((e) => {
          for (const s of up()) s.emit('host:event', e);
        }),
      );
      offs.push(
        deps.inventory.onChange((uuid, record, event) => {
          const sockets = up();
          if (!sockets.length) return;
          const vm = record ? (deps.vms.list().find((v) => v.uuid === uuid) ?? null) : null;
          for (const s of sockets) s.emit('host:vm-changed', { uuid, event, vm });
        }),
      );
      offs.push(
        deps.objects.onPool((c) => {
          for (const s of up()) s.emit('host:pool-changed', c);
          // the hub places VMs by the pools of the host's last status: a pool just applied must
          // not wait for the next heartbeat (5 s) to count; one status per burst of changes
          const read = deps.status.refreshPools();
          if (statusDue) return;
          statusDue = true;
          void read.then(() => {
            statusDue = false;
            const sockets = up();
            if (!sockets.length) return;
            const status = deps.status.build();
            for (const s of sockets) s.emit('host:status', status);
          });
        }),
      );
      for (const hub of registration.storedHubs()) {
        if (links.has(hub.hubId)) continue; // joined a moment before start
        const e = makeEntry(hub, hub);
        links.set(hub.hubId, e);
        e.link.start();
      }
    },
    async join(text, opts) {
      const payload = decodeEnrollment(text);
      if (!payload) throw new AppError('VALIDATION_FAILED', 'not a qxh1. enrollment string');
      const known = registration.storedHubs().find((h) => h.hubSpki === payload.spki);
      if (known) return { hubId: known.hubId, hubName: known.hubName, hubUrl: known.hubUrl, already: true };
      const info = await deps.enrollInfo();
      const cred = newHubCredential();
      const enroll: LinkEnroll = {
        id: payload.id,
        secret: payload.secret,
        credential: cred.credential,
        url: info.url,
        inventory: info.inventory,
      };
      return new Promise<JoinHubResult>((resolve, reject) => {
        const entry = makeEntry({ hubUrl: payload.url, hubSpki: payload.spki }, null, {
          enroll,
          by: opts.by,
          retry: opts.retry,
          resolve,
          reject,
        });
        joining.add(entry);
        entry.link.start();
      });
    },
    linkedHubIds: () =>
      [...links.values()].flatMap((e) => (e.hubId && e.session && e.link.socket() ? [e.hubId] : [])),
    stop() {
      started = false;
      for (const off of offs.splice(0)) off();
      for (const e of [...links.values(), ...joining]) {
        e.link.stop();
        e.session?.();
      }
      links.clear();
      joining.clear();
    },
  };
}

function refusalError(r: LinkRefusal): AppError {
  if (r.code === 'enrollment-expired') return new AppError('ENROLLMENT_EXPIRED', r.message);
  if (r.code === 'enrollment-invalid') return new AppError('ENROLLMENT_INVALID', r.message);
  return new AppError('ENROLLMENT_INVALID', `the hub refused: ${r.message}`);
}

function failureError(err: Error, target: { hubUrl: string; hubSpki: string }): AppError {
  if (err instanceof PinMismatchError) {
    return new AppError(
      'TLS_ERROR',
      `${target.hubUrl} presented ${err.actual ?? 'no certificate'}, not the hub's key ${target.hubSpki}: nothing was sent to it`,
    );
  }
  const code = (err as { code?: unknown }).code;
  if (code === 'ETIMEDOUT' || err.message === 'timeout')
    return new AppError('CONNECTION_TIMEOUT', `${target.hubUrl} did not answer in time`);
  return new AppError(
    'HOST_CONNECTION_FAILED',
    `could not reach the hub at ${target.hubUrl} (${String(code ?? err.message)})`,
  );
}
