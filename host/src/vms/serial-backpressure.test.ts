import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOutputGate } from './serial-backpressure.ts';

test('drops output past the cap and says how much once the socket drained', () => {
  const sent: string[] = [];
  const socket = {
    bufferedAmount: 0,
    send: (b: Buffer) => {
      sent.push(b.toString('latin1'));
    },
  };
  const out = createOutputGate(socket, 10);
  out(Buffer.from('abc'));
  socket.bufferedAmount = 11; // the browser stalls
  out(Buffer.from('dropped-1'));
  out(Buffer.from('dropped-2'));
  assert.deepEqual(sent, ['abc'], 'nothing queued past the cap');
  socket.bufferedAmount = 0; // it drained
  out(Buffer.from('xyz'));
  assert.equal(sent.length, 3);
  assert.match(sent[1] ?? '', /18 bytes of output skipped/);
  assert.equal(sent[2], 'xyz');
  out(Buffer.from('!'));
  assert.equal(sent[3], '!', 'the notice is said once');
});
