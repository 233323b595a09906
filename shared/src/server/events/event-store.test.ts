import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EventsState, type HostEvent } from '@quantix/shared';
import { openJsonStore } from '../state/json-store.ts';
import { mountSmallDisk } from '../state/tmpfs.test-helper.ts';
import { createEventStore, initialEventsState, type NewEvent } from './event-store.ts';

const ev = (message: string): NewEvent => ({ level: 'info', category: 'system', message, source: 'test' });

describe('event store on a full data disk', () => {
  it('keeps events in memory (live and in queries) while the disk is full, and writes them in order once it is not', async () => {
    const disk = mountSmallDisk(256);
    try {
      const file = join(disk.dir, 'events.json');
      const store = await openJsonStore({ file, schema: EventsState, initial: initialEventsState });
      const errors: string[] = [];
      const events = createEventStore({
        store,
        onWriteError: (err) => errors.push((err as { code: string }).code),
      });
      const live: HostEvent[] = [];
      events.onEvent((e) => live.push(e));

      await events.record(ev('one'));
      disk.fill();
      const two = await events.record({ ...ev('two'), details: { pad: 'z'.repeat(8000) } });
      const three = await events.record({ ...ev('three'), level: 'error' });
      assert.deepEqual(errors, ['STORAGE_FULL', 'STORAGE_FULL']);
      assert.deepEqual(
        live.map((e) => [e.message, e.seq]),
        [
          ['one', 1],
          ['two', 2],
          ['three', 3],
        ],
      );
      assert.equal(events.unwritten(), 2);
      assert.deepEqual(
        events.query({ limit: 10 }).map((e) => e.message),
        ['three', 'two', 'one'],
      );
      assert.deepEqual(
        events.query({ limit: 10, level: 'error' }).map((e) => e.id),
        [three.id],
      );
      assert.deepEqual(
        events.query({ limit: 1 }).map((e) => e.message),
        ['three'],
      );
      const onDisk = async () => EventsState.parse(JSON.parse(await readFile(file, 'utf8')));
      assert.deepEqual(
        (await onDisk()).events.map((e) => e.message),
        ['one'],
      );

      disk.free();
      await events.flush();
      assert.equal(events.unwritten(), 0);
      const saved = await onDisk();
      assert.deepEqual(
        saved.events.map((e) => [e.message, e.seq, e.id]),
        [
          ['one', 1, live[0]?.id],
          ['two', 2, two.id],
          ['three', 3, three.id],
        ],
      );
      assert.equal(saved.nextSeq, 4);
      assert.equal((await events.record(ev('four'))).seq, 4);
      assert.deepEqual(
        events.query({ limit: 10 }).map((e) => e.message),
        ['four', 'three', 'two', 'one'],
        'no event twice',
      );
    } finally {
      disk.unmount();
    }
  });
});

describe('event query', () => {
  it('filters by the host an event is about (details.hostId), for the hub', async () => {
    const root = await mkdtemp(join(tmpdir(), 'qx-events-'));
    try {
      const store = await openJsonStore({
        file: join(root, 'events.json'),
        schema: EventsState,
        initial: initialEventsState,
      });
      const events = createEventStore({ store, onWriteError: () => undefined });
      const a = '0b7c3f2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f';
      const b = '1c8d4f3e-2b3c-4d5e-9f6a-6b7c8d9e0f1a';
      await events.record({ ...ev('about a'), details: { hostId: a } });
      await events.record({ ...ev('about b'), details: { hostId: b } });
      await events.record(ev('the hub itself'));
      assert.deepEqual(
        events.query({ limit: 10, hostId: a }).map((e) => e.message),
        ['about a'],
      );
      assert.equal(events.query({ limit: 10 }).length, 3);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('event store writes', () => {
  it('writes many events recorded at once in a few writes of the file, each once and in order', async () => {
    const root = await mkdtemp(join(tmpdir(), 'qx-events-'));
    try {
      const store = await openJsonStore({
        file: join(root, 'events.json'),
        schema: EventsState,
        initial: initialEventsState,
      });
      let writes = 0;
      const counted = {
        get data() {
          return store.data;
        },
        update: <R>(fn: (d: EventsState) => R) => {
          writes++;
          return store.update(fn);
        },
      };
      const events = createEventStore({ store: counted, onWriteError: () => undefined });
      const recorded = await Promise.all(Array.from({ length: 200 }, (_, i) => events.record(ev(`e${i}`))));
      assert.ok(writes <= 2, `${writes} writes for 200 events`);
      const before = writes;
      assert.equal(events.unwritten(), 0);
      const saved = EventsState.parse(JSON.parse(await readFile(join(root, 'events.json'), 'utf8')));
      assert.deepEqual(
        saved.events.map((e) => e.seq),
        recorded.map((e) => e.seq),
      );
      assert.equal(saved.nextSeq, 201);
      assert.equal((await events.record(ev('later'))).seq, 201);
      assert.equal(writes, before + 1, 'a later event is written by a write of its own');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
