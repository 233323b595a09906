import { AppError, type Ack, type LogEntry, LogTailRequest } from '@quantix/shared';
import { invalidAck } from '@quantix/shared/server';
import type { HostIo, HostSocket } from '../socket/host-io.ts';
import type { LogsService } from './logs.service.ts';

const errorAck = (err: unknown): Ack<never> =>
  err instanceof AppError
    ? { ok: false, error: { code: err.code, message: err.message } }
    : { ok: false, error: { code: 'INTERNAL', message: 'internal error; see the host log' } };

/**
 * `logs:tail` starts (or replaces) this socket's one live tail: `logs:entry` to this socket only.
 * More than `maxPerSecond` entries in a second are not sent; `logs:dropped` says how many.
 * `logs:untail` and disconnecting stop it; the reader stops with its last watcher.
 */
export function attachLogsSocket(deps: { io: HostIo; logs: LogsService; maxPerSecond?: number }): () => void {
  const { io, logs } = deps;
  const maxPerSecond = deps.maxPerSecond ?? 500;
  const live = new Set<() => void>();
  io.on('connection', (socket: HostSocket) => {
    let stop: (() => void) | null = null;
    const untail = () => {
      if (!stop) return;
      stop();
      live.delete(stop);
      stop = null;
    };
    socket.on('logs:tail', (raw, ack) => {
      if (typeof ack !== 'function') return;
      const req = LogTailRequest.safeParse(raw ?? {});
      if (!req.success) return ack(invalidAck(req.error.issues[0]?.message));
      untail();
      let windowStart = Date.now();
      let sent = 0;
      let dropped = 0;
      let flush: NodeJS.Timeout | null = null;
      const send = (e: LogEntry) => {
        const t = Date.now();
        if (t - windowStart >= 1000) {
          windowStart = t;
          sent = 0;
        }
        if (sent < maxPerSecond) {
          sent++;
          socket.emit('logs:entry', e);
          return;
        }
        dropped++;
        flush ??= setTimeout(() => {
          flush = null;
          socket.emit('logs:dropped', { count: dropped });
          dropped = 0;
        }, 1000);
      };
      try {
        const unsubscribe = logs.tail(req.data, send);
        const own = () => {
          unsubscribe();
          if (flush) clearTimeout(flush);
        };
        stop = own;
        live.add(own);
        // answer once the tail listens, so nothing written after the ack is missed
        void Promise.resolve(unsubscribe.ready).then(() =>
          ack({ ok: true, data: { backend: logs.backendFor(req.data) } }),
        );
      } catch (err) {
        return ack(errorAck(err));
      }
    });
    socket.on('logs:untail', (ack) => {
      untail();
      if (typeof ack === 'function') ack({ ok: true, data: null });
    });
    socket.on('disconnect', untail);
  });
  return () => {
    for (const s of live) s();
    live.clear();
  };
}
