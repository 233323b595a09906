import { type ClientToServerEvents, EventsSubscribe, type ServerToClientEvents } from '@quantix/shared';
import { invalidAck } from '../socket/ack.ts';
import type { Io, IoSocket } from '../socket/io.ts';
import type { EventStore } from './event-store.ts';

const ROOM = 'events';

type EventsClientEvents = Pick<ClientToServerEvents, 'events:subscribe' | 'events:unsubscribe'>;
type EventsServerEvents = Pick<ServerToClientEvents, 'event:new'>;

export function attachEventsSocket(deps: {
  io: Io<EventsClientEvents, EventsServerEvents>;
  events: EventStore;
}): () => void {
  const { io, events } = deps;
  const stop = events.onEvent((e) => io.to(ROOM).emit('event:new', e));
  io.on('connection', (socket: IoSocket<EventsClientEvents, EventsServerEvents>) => {
    socket.on('events:subscribe', (raw, ack) => {
      if (typeof ack !== 'function') return;
      const req = EventsSubscribe.safeParse(raw ?? {});
      if (!req.success) return ack(invalidAck(req.error.issues[0]?.message));
      void socket.join(ROOM);
      ack({ ok: true, data: { events: events.query({ limit: req.data.limit }) } });
    });
    socket.on('events:unsubscribe', (ack) => {
      void socket.leave(ROOM);
      if (typeof ack === 'function') ack({ ok: true, data: null });
    });
  });
  return stop;
}
