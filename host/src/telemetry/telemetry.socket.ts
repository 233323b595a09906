import { TelemetrySubscribe } from '@quantix/shared';
import { invalidAck } from '@quantix/shared/server';
import type { HostIo, HostSocket } from '../socket/host-io.ts';
import type { TelemetrySampler } from './sampler.ts';

const ROOM = 'telemetry';

/** One shared sampler; a socket watches while it is subscribed. Samples fan out to the room. */
export function attachTelemetrySocket(deps: { io: HostIo; sampler: TelemetrySampler }): () => void {
  const { io, sampler } = deps;
  const stop = sampler.onSample((s) => io.to(ROOM).emit('telemetry:sample', s));
  io.on('connection', (socket: HostSocket) => {
    let release: (() => void) | null = null;
    const unsubscribe = () => {
      release?.();
      release = null;
      void socket.leave(ROOM);
    };
    socket.on('telemetry:subscribe', (raw, ack) => {
      if (typeof ack !== 'function') return;
      const req = TelemetrySubscribe.safeParse(raw ?? {});
      if (!req.success) return ack(invalidAck(req.error.issues[0]?.message));
      if (!release) release = sampler.watch();
      void socket.join(ROOM);
      ack({ ok: true, data: { history: sampler.history(req.data.historySeconds) } });
    });
    socket.on('telemetry:unsubscribe', (ack) => {
      unsubscribe();
      if (typeof ack === 'function') ack({ ok: true, data: null });
    });
    socket.on('disconnect', unsubscribe);
  });
  return stop;
}
