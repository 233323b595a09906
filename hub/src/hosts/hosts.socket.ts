import {
  type Ack,
  AppError,
  type HubClientToServerEvents,
  type HubServerToClientEvents,
  type HostStatusBatch,
  HostWatchRequest,
  type TelemetrySample,
} from '@quantix/shared';
import { type Io, type IoSocket, invalidAck } from '@quantix/shared/server';
import type { HostLinks } from '../link/host-links.ts';
import type { HostsService } from './hosts.service.ts';

type HubIo = Io<HubClientToServerEvents, HubServerToClientEvents>;
type HubSocket = IoSocket<HubClientToServerEvents, HubServerToClientEvents>;

/** Every hub UI socket is in it: the fleet's `host:changed`. */
export const HOSTS_ROOM = 'hosts';
/** The sockets watching one host's telemetry. */
export const hostRoom = (hostId: string) => `host:${hostId}`;

/** What `host:watch` acks: the samples of the last minute the hub holds. */
const HISTORY_MS = 60_000;
const HISTORY_MAX = 120;
/** How often the heartbeats gathered meanwhile go out as one `hosts:status`. */
export const STATUS_BATCH_MS = 1000;

const errorAck = (err: unknown): Ack<never> =>
  err instanceof AppError
    ? { ok: false, error: { code: err.code, message: err.message } }
    : { ok: false, error: { code: 'INTERNAL', message: 'internal error; see the hub log' } };

/**
 * The hosts part of the hub's socket.io: `host:changed` to every socket after each change the
 * hosts service makes and each change of a host's live state the links report; the heartbeats'
 * statuses gathered into one `hosts:status` a second (with thousands of hosts, a whole record per
 * heartbeat to every socket was most of the hub's work); `host:watch` / `host:unwatch` hold a
 * watch on a host's telemetry (released on unwatch and disconnect) and scope `host:telemetry` to
 * the watchers' room.
 */
export function attachHostsSocket(deps: {
  io: HubIo;
  hosts: HostsService;
  links: HostLinks;
  statusBatchMs?: number;
}): () => void {
  const { io, hosts, links } = deps;
  const history = new Map<string, TelemetrySample[]>();
  const recent = (hostId: string): TelemetrySample[] => {
    const since = Date.now() - HISTORY_MS;
    const kept = (history.get(hostId) ?? []).filter((s) => s.t >= since);
    history.set(hostId, kept);
    return kept;
  };

  // the latest status of each host that beat since the last batch, taken as it arrived: asking the
  // links at send time about a host removed meanwhile would make them know it again
  const beats = new Map<string, HostStatusBatch['hosts'][number]>();
  const stopChanges = hosts.onChange((c) => {
    if (c.host === null) {
      history.delete(c.hostId);
      beats.delete(c.hostId);
    }
    io.to(HOSTS_ROOM).emit('host:changed', c);
  });
  const sendBeats = setInterval(() => {
    if (beats.size === 0) return;
    const batch = [...beats.values()];
    beats.clear();
    io.to(HOSTS_ROOM).emit('hosts:status', { hosts: batch });
  }, deps.statusBatchMs ?? STATUS_BATCH_MS);
  sendBeats.unref();
  const stopLive = links.onChange((hostId, what) => {
    if (what === 'status') {
      // told only while the host is connected (its live state exists)
      const live = links.live(hostId);
      if (live.state === 'connected' && live.status)
        beats.set(hostId, { hostId, status: live.status, lastSeenAt: live.lastSeenAt });
      return;
    }
    // a host that went down, or whatever else changed, goes now as a whole record, with its status
    beats.delete(hostId);
    hosts.find(hostId).then(
      // a host the link knows but the store does not (being removed) has nothing to show
      (host) => host && io.to(HOSTS_ROOM).emit('host:changed', { hostId, host }),
      () => undefined,
    );
  });
  const stopTelemetry = links.onTelemetry((hostId, sample) => {
    const kept = recent(hostId);
    kept.push(sample);
    if (kept.length > HISTORY_MAX) kept.splice(0, kept.length - HISTORY_MAX);
    io.to(hostRoom(hostId)).emit('host:telemetry', { hostId, sample });
  });

  io.on('connection', (socket: HubSocket) => {
    void socket.join(HOSTS_ROOM);
    const watching = new Map<string, () => void>();
    const unwatch = (hostId: string) => {
      watching.get(hostId)?.();
      watching.delete(hostId);
      void socket.leave(hostRoom(hostId));
    };
    socket.on('host:watch', (raw, ack) => {
      if (typeof ack !== 'function') return;
      const req = HostWatchRequest.safeParse(raw ?? {});
      if (!req.success) return ack(invalidAck(req.error.issues[0]?.message));
      const { hostId } = req.data;
      hosts.get(hostId).then(
        () => {
          // gone while the store answered: a watch now would never be released
          if (socket.disconnected) return;
          if (!watching.has(hostId)) watching.set(hostId, links.watch(hostId));
          void socket.join(hostRoom(hostId));
          ack({ ok: true, data: { history: recent(hostId) } });
        },
        (err: unknown) => ack(errorAck(err)),
      );
    });
    socket.on('host:unwatch', (raw, ack) => {
      const req = HostWatchRequest.safeParse(raw ?? {});
      if (!req.success) {
        if (typeof ack === 'function') ack(invalidAck(req.error.issues[0]?.message));
        return;
      }
      unwatch(req.data.hostId);
      if (typeof ack === 'function') ack({ ok: true, data: null });
    });
    socket.on('disconnect', () => {
      for (const hostId of [...watching.keys()]) unwatch(hostId);
    });
  });
  return () => {
    clearInterval(sendBeats);
    stopChanges();
    stopLive();
    stopTelemetry();
  };
}
