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
  /** Persists the event (resolves once durable) and notifies listeners. */
  record(e: NewEvent): Promise<HostEvent>;
  /** Newest first. */
  query(q: EventQuery): HostEvent[];
  onEvent(fn: (e: HostEvent) => void): () => void;
}

/**
 * `record` never fails its caller: the event log is the audit trail of changes already committed
 * elsewhere, so a failed event write is reported through `onWriteError` (the host logs it) and the
 * event is still pushed live, rather than turning a committed change into an error.
 */
export function createEventStore(deps: {
  store: JsonStore<EventsState>;
  now?: () => Date;
  onWriteError?: (err: unknown, event: NewEvent) => void;
}): EventStore {
  const listeners = new Set<(e: HostEvent) => void>();
  const now = deps.now ?? (() => new Date());
  return {
    async record(e) {
      let fallback: HostEvent | null = null;
      const event = await deps.store
        .update((draft) => {
          const ev: HostEvent = {
            id: randomUUID(),
            seq: draft.nextSeq,
            timestamp: now().toISOString(),
            level: e.level,
            category: e.category,
            message: e.message,
            source: e.source,
            ...(e.details ? { details: e.details } : {}),
          };
          fallback = ev;
          draft.nextSeq += 1;
          draft.events.push(ev);
          if (draft.events.length > EVENT_RING_SIZE)
            draft.events.splice(0, draft.events.length - EVENT_RING_SIZE);
          return ev;
        })
        .catch((err: unknown) => {
          deps.onWriteError?.(err, e);
          return fallback ?? { ...e, id: randomUUID(), seq: 0, timestamp: now().toISOString() };
        });
      for (const fn of listeners) fn(event);
      return event;
    },
    query(q) {
      const out: HostEvent[] = [];
      const events = deps.store.data.events;
      for (let i = events.length - 1; i >= 0 && out.length < q.limit; i--) {
        const ev = events[i];
        if (!ev) continue;
        if (q.level && ev.level !== q.level) continue;
        if (q.category && ev.category !== q.category) continue;
        out.push(ev);
      }
      return out;
    },
    onEvent(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

export function initialEventsState(): EventsState {
  return { schema: 1, nextSeq: 1, events: [] };
}
