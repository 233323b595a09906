import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClientToServerEvents, ServerToClientEvents } from '@quantix/shared';
import type { ConnectionStatus } from '../store/shell-state.ts';
import { ApiError } from './api-error.ts';
import { createSocketClient, type QxSocket } from './socket-client.ts';

/** Just enough of a socket.io client socket: handlers, flags, and scripted acks. */
function fakeSocket(answer: (event: string, args: unknown[]) => Promise<unknown>) {
  const handlers = new Map<string, Set<(...a: unknown[]) => void>>();
  const sent: Array<[string, unknown[]]> = [];
  const fake = {
    connected: false,
    active: false,
    on(e: string, h: (...a: unknown[]) => void) {
      if (!handlers.has(e)) handlers.set(e, new Set());
      handlers.get(e)?.add(h);
      return fake;
    },
    off(e: string, h: (...a: unknown[]) => void) {
      handlers.get(e)?.delete(h);
      return fake;
    },
    connect() {
      fake.active = true;
      return fake;
    },
    disconnect() {
      fake.active = false;
      fake.connected = false;
      return fake;
    },
    timeout() {
      return {
        emitWithAck: (event: string, ...args: unknown[]) => {
          sent.push([event, args]);
          return answer(event, args);
        },
      };
    },
    // test helpers
    fire(e: string, ...a: unknown[]) {
      if (e === 'connect') fake.connected = true;
      if (e === 'disconnect') fake.connected = false;
      for (const h of [...(handlers.get(e) ?? [])]) h(...a);
    },
    sent,
  };
  return fake;
}

function setup(
  answer: (event: string, args: unknown[]) => Promise<unknown> = async () => ({ ok: true, data: null }),
) {
  const raw = fakeSocket(answer);
  const statuses: ConnectionStatus[] = [];
  let refused = 0;
  const ended: unknown[] = [];
  const client = createSocketClient({
    socket: raw as unknown as QxSocket<ServerToClientEvents, ClientToServerEvents>,
    onStatus: (s) => statuses.push(s),
    onSessionEnded: (i) => ended.push(i),
    onRefused: () => refused++,
  });
  return { raw, client, statuses, ended, refused: () => refused };
}

test('status follows the socket: connecting, connected, disconnected, idle', () => {
  const { raw, client, statuses, refused } = setup();
  client.connect();
  raw.fire('connect');
  raw.fire('disconnect', 'transport close');
  raw.fire('connect_error', new Error('refused'));
  raw.fire('disconnect', 'io server disconnect');
  client.disconnect();
  assert.deepEqual(statuses, [
    'connecting',
    'connected',
    'disconnected',
    'disconnected',
    'disconnected',
    'idle',
  ]);
  assert.equal(refused(), 2, 'connect_error and a server-side disconnect ask for a session check');
});

test('whileConnected runs now if connected and after every reconnect, until stopped', () => {
  const { raw, client } = setup();
  const calls: boolean[] = [];
  client.connect();
  raw.fire('connect');
  const stop = client.whileConnected((reconnect) => calls.push(reconnect));
  raw.fire('disconnect', 'transport close');
  raw.fire('connect');
  stop();
  raw.fire('disconnect', 'transport close');
  raw.fire('connect');
  assert.deepEqual(calls, [false, true]);
});

test('a login after a logout counts as a first connect again', () => {
  const { raw, client } = setup();
  const calls: boolean[] = [];
  client.whileConnected((reconnect) => calls.push(reconnect));
  client.connect();
  raw.fire('connect');
  client.disconnect();
  client.connect();
  raw.fire('connect');
  assert.deepEqual(calls, [false, false]);
});

test('request returns ack data, throws ApiError for error acks, refuses while offline', async () => {
  const { raw, client } = setup(async (event) =>
    event === 'telemetry:subscribe'
      ? { ok: true, data: { history: [] } }
      : { ok: false, error: { code: 'VALIDATION_FAILED', message: 'bad limit' } },
  );
  await assert.rejects(client.request('telemetry:subscribe', { historySeconds: 300 }), {
    code: 'NETWORK_ERROR',
  });
  assert.equal(raw.sent.length, 0, 'nothing is buffered while offline');
  client.connect();
  raw.fire('connect');
  assert.deepEqual(await client.request('telemetry:subscribe', { historySeconds: 300 }), { history: [] });
  assert.deepEqual(raw.sent[0], ['telemetry:subscribe', [{ historySeconds: 300 }]]);
  await assert.rejects(client.request('events:subscribe', { limit: 5000 }), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 'VALIDATION_FAILED');
    return true;
  });
});

test('timeouts and malformed acks become ApiErrors', async () => {
  let mode: 'timeout' | 'junk' = 'timeout';
  const { raw, client } = setup(async () => {
    if (mode === 'timeout') throw new Error('operation has timed out');
    return 'junk';
  });
  client.connect();
  raw.fire('connect');
  await assert.rejects(client.request('telemetry:unsubscribe'), { code: 'TIMEOUT' });
  mode = 'junk';
  await assert.rejects(client.request('telemetry:unsubscribe'), { code: 'BAD_RESPONSE' });
});

test('on() subscribes and its return unsubscribes; session:ended is reported', () => {
  const { raw, client, ended } = setup();
  const got: unknown[] = [];
  const off = client.on('event:new', (e) => got.push(e));
  raw.fire('event:new', { id: 'a' });
  off();
  raw.fire('event:new', { id: 'b' });
  raw.fire('session:ended', { reason: 'expired' });
  assert.deepEqual(got, [{ id: 'a' }]);
  assert.deepEqual(ended, [{ reason: 'expired' }]);
});
