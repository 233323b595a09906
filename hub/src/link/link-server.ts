import type { Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import {
  AppError,
  HostEvent,
  HostStatus,
  LINK_GRACE_MS,
  LINK_PATH,
  LinkAck,
  LinkCommand,
  type LinkHostToHubEvents,
  type LinkHubToHostEvents,
  LinkPoolChanged,
  type LinkRefusal,
  LinkRevoked,
  LinkVmChanged,
  type LinkWelcome,
  TelemetrySample,
} from '@quantix/shared';
import { type AllowedHosts, createMachineIo, type EventStore, type Logger } from '@quantix/shared/server';
import type { Server, Socket } from 'socket.io';
import type { EnrollmentService } from '../enrollment/enrollment.service.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { HostLinkFeeds, HostLinks, HostLive, LinkChange } from './host-links.ts';
import type { HostProbe } from './host-probe.ts';
import { createLastSeenWriter } from './last-seen-writer.ts';
import { checkLinkAuth } from './link-auth.ts';
import { recordTransition } from './link-events.ts';
import { createLinkStates } from './link-states.ts';
import { createRefusalLimiter } from './refusal-limiter.ts';

interface LinkSocketData {
  hostId: string;
  hostname: string;
}
type LinkIo = Server<LinkHostToHubEvents, LinkHubToHostEvents, Record<string, never>, LinkSocketData>;
type LinkSocket = Socket<LinkHostToHubEvents, LinkHubToHostEvents, Record<string, never>, LinkSocketData>;

export interface LinkTiming {
  /** socket.io pings: a dead peer is noticed within interval + timeout */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  graceMs: number;
  /** how often a not-responding host's address is asked who answers there */
  probeEveryMs: number;
  tickMs: number;
  forgetAckMs: number;
}

const DEFAULT_TIMING: LinkTiming = {
  pingIntervalMs: 5000,
  pingTimeoutMs: 5000,
  graceMs: LINK_GRACE_MS,
  probeEveryMs: 10_000,
  tickMs: 1000,
  forgetAckMs: 5000,
};
const PROBES_AT_ONCE = 8;
/** a host may put this many events into the hub's log per 10 s; more are dropped (and logged) */
const HOST_EVENTS_PER_10S = 50;
const MAX_EVENT_MESSAGE = 2000;
const MAX_EVENT_DETAILS = 4096;

export interface LinkServer extends HostLinks, HostLinkFeeds {
  /** every host the link knows of, with its live state */
  all(): Array<{ hostId: string } & HostLive>;
  close(): void;
}

/**
 * The hub's end of the live links: a socket.io server for machines at LINK_PATH (see
 * createMachineIo: no browser can open it), each handshake proven by checkLinkAuth, the hosts'
 * pushes parsed and kept, commands sent with acks and timeouts, states kept by link-states.
 */
export async function createLinkServer(deps: {
  server: HttpsServer;
  allowedHosts: AllowedHosts;
  store: HubStore;
  events: EventStore;
  log: Logger;
  enrollments: EnrollmentService;
  box: Pick<SecretBox, 'seal'>;
  probe: HostProbe;
  welcome: () => LinkWelcome;
  now?: () => number;
  timing?: Partial<LinkTiming>;
}): Promise<LinkServer> {
  const { store, events, log } = deps;
  const now = deps.now ?? Date.now;
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  const sockets = new Map<string, LinkSocket>();
  const names = new Map<string, string>();
  const watchers = new Map<string, number>();
  const removed = new Set<string>();
  const lastProbe = new Map<string, number>();
  const changeListeners = new Set<(hostId: string, what: LinkChange) => void>();
  const linkUpListeners = new Set<(hostId: string) => void>();
  const telemetryListeners = new Set<(hostId: string, s: TelemetrySample) => void>();
  const vmListeners = new Set<(hostId: string, c: LinkVmChanged) => void>();
  const poolListeners = new Set<(hostId: string, c: LinkPoolChanged) => void>();
  const pendingAcks = new Map<LinkSocket, Set<(err: AppError) => void>>();
  const lastSeen = createLastSeenWriter({ store, log });
  const limiter = createRefusalLimiter({ limit: 30, windowMs: 60_000, now });
  let closing = false;

  const notify = (hostId: string, what: LinkChange) => {
    for (const fn of changeListeners) fn(hostId, what);
  };
  const nameOf = (hostId: string) => names.get(hostId) ?? hostId;
  const states = createLinkStates({
    now,
    graceMs: timing.graceMs,
    onTransition: (t) => {
      recordTransition({ events, log }, t, nameOf(t.hostId));
      notify(t.hostId, 'state');
    },
    onStatus: (hostId) => notify(hostId, 'status'),
  });
  for (const h of await store.listHosts()) {
    names.set(h.hostId, h.hostname);
    states.register(h.hostId, h);
  }

  const io: LinkIo = createMachineIo<LinkHostToHubEvents, LinkHubToHostEvents, LinkSocketData>({
    server: deps.server,
    path: LINK_PATH,
    allowedHosts: deps.allowedHosts,
    options: {
      pingInterval: timing.pingIntervalMs,
      pingTimeout: timing.pingTimeoutMs,
      connectTimeout: 10_000,
      // command answers (a VM list, a directory listing) come back in acks
      maxHttpBufferSize: 8 * 1024 * 1024,
    },
  });

  const refusal = (r: LinkRefusal): Error => Object.assign(new Error(r.message), { data: r });
  io.use((socket, next) => {
    const addr = socket.request.socket.remoteAddress ?? 'unknown';
    if (limiter.blocked(addr))
      return next(refusal({ code: 'invalid', message: 'too many refused link handshakes; wait a minute' }));
    const authDeps = {
      store,
      enrollments: deps.enrollments,
      box: deps.box,
      removed: (id: string) => removed.has(id),
      now,
    };
    checkLinkAuth(authDeps, socket.request.socket as TLSSocket, socket.handshake.auth).then(
      (d) => {
        if (!d.ok) {
          limiter.count(addr);
          log.warn({ addr, refusal: d.refusal.code, reason: d.refusal.message }, 'link handshake refused');
          if (d.certChanged) {
            names.set(d.certChanged.hostId, d.certChanged.hostname);
            states.certChanged(d.certChanged.hostId, d.certChanged.reason);
          }
          return next(refusal(d.refusal));
        }
        if (d.enrolled) {
          removed.delete(d.host.hostId);
          states.forget(d.host.hostId); // a re-joining host starts afresh (a revocation is over)
          void events.record({
            level: 'info',
            category: 'registration',
            message: `Host ${d.host.hostname} (${d.host.url}) joined the hub with enrollment string ${d.auth.enroll?.id}`,
            source: `host ${d.host.hostname}`,
            details: { hostId: d.host.hostId, enrollmentId: d.auth.enroll?.id, spki: d.host.spki },
          });
        } else if (d.auth.hostname !== d.host.hostname || d.auth.version !== d.host.version) {
          void store
            .updateHost(d.host.hostId, { hostname: d.auth.hostname, version: d.auth.version })
            .catch((err: unknown) => log.warn({ err }, 'could not record a host’s new name or version'));
        }
        socket.data.hostId = d.host.hostId;
        socket.data.hostname = d.auth.hostname;
        next();
      },
      (err: unknown) => {
        log.error({ err }, 'link handshake failed');
        next(refusal({ code: 'invalid', message: 'the hub could not check this handshake; see its log' }));
      },
    );
  });

  io.on('connection', (socket) => onConnection(socket));

  function onConnection(socket: LinkSocket): void {
    const { hostId, hostname } = socket.data;
    const older = sockets.get(hostId);
    sockets.set(hostId, socket);
    // a host that restarted before the hub noticed its old link: the newest link is the host
    older?.disconnect(true);
    names.set(hostId, hostname);
    states.up(hostId);
    pendingAcks.set(socket, new Set());
    log.info({ hostId, hostname, addr: socket.request.socket.remoteAddress }, 'host link up');
    socket.emit('hub:welcome', deps.welcome());
    if ((watchers.get(hostId) ?? 0) > 0) socket.emit('hub:watch', { telemetry: true });
    for (const fn of linkUpListeners) fn(hostId);

    const seen = () => states.seen(hostId);
    socket.conn.on('heartbeat', seen);
    const invalid = (what: string, err: unknown) =>
      log.warn({ hostId, what, err: String(err).slice(0, 300) }, 'dropped an invalid link message');
    let eventWindow = { start: now(), count: 0, dropped: 0 };

    socket.on('host:status', (raw) => {
      const s = HostStatus.safeParse(raw);
      if (!s.success) return invalid('host:status', s.error.issues[0]?.message);
      states.seen(hostId, s.data);
    });
    socket.on('host:telemetry', (raw) => {
      seen();
      if (!watchers.get(hostId)) return;
      const s = TelemetrySample.safeParse(raw);
      if (!s.success) return invalid('host:telemetry', s.error.issues[0]?.message);
      for (const fn of telemetryListeners) fn(hostId, s.data);
    });
    socket.on('host:vm-changed', (raw) => {
      seen();
      const c = LinkVmChanged.safeParse(raw);
      if (!c.success) return invalid('host:vm-changed', c.error.issues[0]?.message);
      for (const fn of vmListeners) fn(hostId, c.data);
    });
    socket.on('host:pool-changed', (raw) => {
      seen();
      const c = LinkPoolChanged.safeParse(raw);
      if (!c.success) return invalid('host:pool-changed', c.error.issues[0]?.message);
      for (const fn of poolListeners) fn(hostId, c.data);
    });
    socket.on('host:event', (raw) => {
      seen();
      const e = HostEvent.safeParse(raw);
      if (!e.success) return invalid('host:event', e.error.issues[0]?.message);
      if (now() - eventWindow.start > 10_000) {
        if (eventWindow.dropped)
          log.warn({ hostId, dropped: eventWindow.dropped }, 'dropped a flood of host events');
        eventWindow = { start: now(), count: 0, dropped: 0 };
      }
      if (++eventWindow.count > HOST_EVENTS_PER_10S) {
        eventWindow.dropped++;
        return;
      }
      const ev = e.data;
      // what one host says may not fill the hub's log: long messages and big details are cut
      const details = ev.details && JSON.stringify(ev.details).length <= MAX_EVENT_DETAILS ? ev.details : {};
      void events.record({
        level: ev.level,
        category: ev.category,
        message:
          ev.message.length > MAX_EVENT_MESSAGE ? `${ev.message.slice(0, MAX_EVENT_MESSAGE)}…` : ev.message,
        source: `host ${socket.data.hostname}`,
        details: {
          ...details,
          hostId,
          hostSource: ev.source.slice(0, 200),
          hostSeq: ev.seq,
          hostTimestamp: ev.timestamp,
        },
      });
    });
    socket.on('host:revoked', (raw, ack) => {
      const r = LinkRevoked.safeParse(raw);
      if (typeof ack !== 'function') return;
      if (!r.success)
        return ack({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'invalid host:revoked' } });
      const at = new Date(now()).toISOString();
      const reason = `the host revoked this hub at ${at}${r.data.reason ? ` (${r.data.reason})` : ''}`;
      states.revoked(hostId, reason);
      store.updateHost(hostId, { revokedAt: at, lastSeenAt: at }).then(
        () => ack({ ok: true, data: null }),
        (err: unknown) => {
          log.warn({ err, hostId }, 'could not record a host’s revocation');
          ack({ ok: true, data: null });
        },
      );
    });
    socket.on('disconnect', (why) => {
      for (const reject of pendingAcks.get(socket) ?? [])
        reject(
          new AppError(
            'HOST_NOT_CONNECTED',
            `the link to ${socket.data.hostname} went down during the command`,
          ),
        );
      pendingAcks.delete(socket);
      if (sockets.get(hostId) !== socket) return; // replaced by a newer link, or dropped
      sockets.delete(hostId);
      log.info({ hostId, why }, 'host link down');
      states.down(hostId);
      const live = states.live(hostId);
      if (!closing && live.lastSeenAt && live.state !== 'disconnected')
        lastSeen.write(hostId, live.lastSeenAt);
    });
  }

  // the clock-driven rules, and asking silent hosts' addresses who answers there now
  const probing = new Set<string>();
  const tick = setInterval(() => {
    states.tick();
    for (const hostId of states.notResponding()) {
      if (probing.size >= PROBES_AT_ONCE) break;
      if (probing.has(hostId) || now() - (lastProbe.get(hostId) ?? 0) < timing.probeEveryMs) continue;
      lastProbe.set(hostId, now());
      probing.add(hostId);
      void probeHost(hostId).finally(() => probing.delete(hostId));
    }
  }, timing.tickMs);
  tick.unref();

  async function probeHost(hostId: string): Promise<void> {
    const host = await store.getHost(hostId);
    if (!host || host.revokedAt) return;
    const answer = await deps.probe(host.url);
    if (!answer || sockets.has(hostId)) return;
    if (answer.spki !== host.spki) {
      states.certChanged(
        hostId,
        `another certificate answers at ${host.url} (${answer.spki}, not the pinned ${host.spki}): the host was reinstalled or replaced; add it again with a fresh token`,
      );
    } else if (answer.hostId !== null && answer.hostId !== hostId) {
      states.certChanged(hostId, `${host.url} answers with host id ${answer.hostId}, not ${hostId}`);
    }
  }

  // a cert-changed or revoked host never holds a socket: only a proven, accepted link is one
  const connectedSocket = (hostId: string): LinkSocket => {
    const socket = sockets.get(hostId);
    if (!socket) throw new AppError('HOST_NOT_CONNECTED', `the link to ${nameOf(hostId)} is not up`);
    return socket;
  };

  const setWatch = (hostId: string, telemetry: boolean) =>
    sockets.get(hostId)?.emit('hub:watch', { telemetry });

  return {
    live: (hostId) => states.live(hostId),
    all: () => states.all(),
    async command<T = unknown>(hostId: string, raw: LinkCommand, timeoutMs = 30_000): Promise<T> {
      const parsed = LinkCommand.safeParse(raw);
      if (!parsed.success)
        throw new AppError('VALIDATION_FAILED', parsed.error.issues[0]?.message ?? 'invalid command');
      const cmd = parsed.data;
      const socket = connectedSocket(hostId);
      const pending = pendingAcks.get(socket) ?? new Set();
      return new Promise<T>((resolve, reject) => {
        const fail = (err: AppError) => {
          pending.delete(fail);
          reject(err);
        };
        pending.add(fail);
        socket.timeout(timeoutMs).emit('hub:command', cmd, (err: Error | null, rawAck: unknown) => {
          if (!pending.has(fail)) return;
          pending.delete(fail);
          if (err) {
            return reject(
              new AppError(
                'COMMAND_TIMEOUT',
                `${nameOf(hostId)} did not answer ${cmd.type} within ${timeoutMs / 1000} s`,
              ),
            );
          }
          const ack = LinkAck.safeParse(rawAck);
          if (!ack.success)
            return reject(new AppError('INVALID_RESPONSE', `${nameOf(hostId)} sent an invalid answer`));
          if (ack.data.ok) resolve(ack.data.data as T);
          else reject(new AppError(ack.data.error.code, ack.data.error.message));
        });
      });
    },
    async forget(hostId, reason) {
      removed.add(hostId);
      lastSeen.drop(hostId);
      const socket = sockets.get(hostId);
      sockets.delete(hostId);
      states.forget(hostId);
      watchers.delete(hostId);
      if (!socket) return; // not connected: it is told `removed` when it dials
      await socket
        .timeout(timing.forgetAckMs)
        .emitWithAck('hub:forget', { reason: reason.slice(0, 200) })
        .catch((err: unknown) => log.warn({ err, hostId }, 'the host did not confirm it forgot the hub'));
      socket.disconnect(true);
    },
    drop(hostId) {
      lastSeen.drop(hostId);
      const socket = sockets.get(hostId);
      sockets.delete(hostId);
      states.forget(hostId);
      watchers.delete(hostId);
      socket?.disconnect(true);
    },
    watch(hostId) {
      const n = (watchers.get(hostId) ?? 0) + 1;
      watchers.set(hostId, n);
      if (n === 1) setWatch(hostId, true);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (watchers.get(hostId) ?? 1) - 1;
        if (left > 0) return void watchers.set(hostId, left);
        watchers.delete(hostId);
        setWatch(hostId, false);
      };
    },
    onChange(fn) {
      changeListeners.add(fn);
      return () => changeListeners.delete(fn);
    },
    onLinkUp(fn) {
      linkUpListeners.add(fn);
      return () => linkUpListeners.delete(fn);
    },
    onTelemetry(fn) {
      telemetryListeners.add(fn);
      return () => telemetryListeners.delete(fn);
    },
    onVmChanged(fn) {
      vmListeners.add(fn);
      return () => vmListeners.delete(fn);
    },
    onPoolChanged(fn) {
      poolListeners.add(fn);
      return () => poolListeners.delete(fn);
    },
    close() {
      closing = true;
      clearInterval(tick);
      io.local.disconnectSockets(true);
      io.engine.close();
    },
  };
}
