import { randomUUID } from 'node:crypto';
import type { EventCategory, EventLevel, EventQuery, EventsState, HostEvent } from '@quantix/shared';
import type { JsonStore } from '../state/json-store.ts';

export const EVENT_RING_SIZE = 1000;

export interface NewEvent {
  level: EventLevel;
  category: EventCategory;
  message: string;
  source: string;
  details?: Record<string, unknown>;
}

export interface EventStore {
  /**
   * Records the event and notifies listeners. Resolves once it is durable, or, when it cannot be
   * written (a full data disk), once it is kept in memory to be written later.
   */
  record(e: NewEvent): Promise<HostEvent>;
  /** Newest first, including events not yet written. */
  query(q: EventQuery): HostEvent[];
  onEvent(fn: (e: HostEvent) => void): () => void;
  /** Writes the events kept in memory, if any; call when the disk can be written again. */
  flush(): Promise<void>;
  /** How many events wait in memory to be written. */
  unwritten(): number;
}

/**
 * `record` never fails its caller: the event log is the audit trail of changes already committed
 * elsewhere, so a failed event write is reported through `onWriteError` (the server logs it) and the
 * event is kept in memory — pushed live and answered by queries — and written with the next event
 * or the next `flush()`, in order, with its own sequence number.
 */
export function createEventStore(deps: {
  store: JsonStore<EventsState>;
  now?: () => Date;
  onWriteError?: (err: unknown, event: NewEvent) => void;
}): EventStore {
  const listeners = new Set<(e: HostEvent) => void>();
  const now = deps.now ?? (() => new Date());
  const { store } = deps;
  /** events not yet on disk, oldest first; the ones with seq < store.data.nextSeq are written */
  let unwritten: HostEvent[] = [];
  let nextSeq = store.data.nextSeq;
  /** the write that has not started yet: events recorded meanwhile ride on it */
  let queued: Promise<void> | null = null;

  // Many events at once (a hub whose thousand hosts stop responding together) are one write of
  // the file, not one each: a write that has not started takes every event recorded until it does.
  const write = (): Promise<void> => {
    queued ??= store
      .update((draft) => {
        queued = null; // from here on, a new event needs the next write
        for (const ev of unwritten) {
          if (ev.seq < draft.nextSeq) continue; // written by an earlier flush
          draft.events.push(ev);
          draft.nextSeq = ev.seq + 1;
        }
        if (draft.events.length > EVENT_RING_SIZE)
          draft.events.splice(0, draft.events.length - EVENT_RING_SIZE);
      })
      .then(() => {
        const written = store.data.nextSeq;
        unwritten = unwritten.filter((ev) => ev.seq >= written);
      });
    return queued;
  };

  return {
    async record(e) {
      const event: HostEvent = {
        id: randomUUID(),
        seq: nextSeq++,
        timestamp: now().toISOString(),
        level: e.level,
        category: e.category,
        message: e.message,
        source: e.source,
        ...(e.details ? { details: e.details } : {}),
      };
      unwritten.push(event);
      // the newest EVENT_RING_SIZE are all the file would keep anyway
      if (unwritten.length > EVENT_RING_SIZE) unwritten.splice(0, unwritten.length - EVENT_RING_SIZE);
      await write().catch((err: unknown) => deps.onWriteError?.(err, e));
      for (const fn of listeners) fn(event);
      return event;
    },
    query(q) {
      const out: HostEvent[] = [];
      const written = store.data.nextSeq;
      const pending = unwritten.filter((ev) => ev.seq >= written);
      const stored = store.data.events;
      for (const list of [pending, stored]) {
        for (let i = list.length - 1; i >= 0 && out.length < q.limit; i--) {
          const ev = list[i];
          if (!ev) continue;
          if (q.level && ev.level !== q.level) continue;
          if (q.category && ev.category !== q.category) continue;
          if (q.hostId && ev.details?.hostId !== q.hostId) continue;
          out.push(ev);
        }
      }
      return out;
    },
    onEvent(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async flush() {
      if (unwritten.length) await write();
    },
    unwritten: () => unwritten.filter((ev) => ev.seq >= store.data.nextSeq).length,
  };
}

export function initialEventsState(): EventsState {
  return { schema: 1, nextSeq: 1, events: [] };
}
