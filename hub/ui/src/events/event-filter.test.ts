import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostEvent } from '@quantix/shared';
import type { EventFilter } from '../store/app-state.ts';
import { eventHostId, eventMatches, eventsQuery } from './event-filter.ts';

const H = '00000000-0000-4000-8000-000000000001';
const ev = (level: HostEvent['level'], hostId?: string): HostEvent => ({
  id: 'e',
  seq: 1,
  timestamp: '2026-01-01T00:00:00.000Z',
  level,
  category: 'system',
  message: 'm',
  source: hostId ? 'host kvm1' : 'hub',
  ...(hostId ? { details: { hostId } } : {}),
});
const all: EventFilter = { hostId: '', level: '', limit: 100 };

test('an event is about the host named in details.hostId', () => {
  assert.equal(eventHostId(ev('info', H)), H);
  assert.equal(eventHostId(ev('info')), null);
  assert.equal(eventHostId({ ...ev('info'), details: { hostId: 42 } }), null);
});

test('the filter matches level and host; empty means any', () => {
  assert.equal(eventMatches(ev('info'), all), true);
  assert.equal(eventMatches(ev('info', H), { ...all, hostId: H }), true);
  assert.equal(
    eventMatches(ev('info'), { ...all, hostId: H }),
    false,
    "the hub's own events are not the host's",
  );
  assert.equal(eventMatches(ev('info', H), { ...all, level: 'error' }), false);
});

test('the query holds what is set', () => {
  assert.equal(eventsQuery(all), '?limit=100');
  assert.equal(
    eventsQuery({ hostId: H, level: 'warning', limit: 50 }),
    `?limit=50&hostId=${H}&level=warning`,
  );
});
