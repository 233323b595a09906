import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMBOS, PASTE_MAX_CHARS, pressCombo, strokeOf, strokesOf, typeStrokes } from './vnc-keys.ts';

type Sent = [number, string, boolean];

describe('VNC keys', () => {
  it('presses a combination in order and releases it in reverse', () => {
    const sent: Sent[] = [];
    const cad = COMBOS.find((c) => c.id === 'ctrl-alt-del');
    assert.ok(cad);
    pressCombo((...a) => sent.push(a), cad.keys);
    assert.deepEqual(sent, [
      [0xffe3, 'ControlLeft', true],
      [0xffe9, 'AltLeft', true],
      [0xffff, 'Delete', true],
      [0xffff, 'Delete', false],
      [0xffe9, 'AltLeft', false],
      [0xffe3, 'ControlLeft', false],
    ]);
    const f7 = COMBOS.find((c) => c.id === 'ctrl-alt-f7');
    assert.deepEqual(f7?.keys.at(-1), { keysym: 0xffc4, code: 'F7' });
  });

  it('maps characters to US-keyboard strokes, shift where needed', () => {
    assert.deepEqual(strokeOf('a'), { key: { keysym: 0x61, code: 'KeyA' }, shift: false });
    assert.deepEqual(strokeOf('Q'), { key: { keysym: 0x51, code: 'KeyQ' }, shift: true });
    assert.deepEqual(strokeOf('!'), { key: { keysym: 0x21, code: 'Digit1' }, shift: true });
    assert.deepEqual(strokeOf(')'), { key: { keysym: 0x29, code: 'Digit0' }, shift: true });
    assert.deepEqual(strokeOf('_'), { key: { keysym: 0x5f, code: 'Minus' }, shift: true });
    assert.deepEqual(strokeOf('\n'), { key: { keysym: 0xff0d, code: 'Enter' }, shift: false });
    assert.equal(strokeOf('é'), null);
  });

  it('bounds a paste, drops CR of CRLF, counts what cannot be typed', () => {
    const r = strokesOf('ls -l\r\nécho');
    assert.equal(r.strokes.length, 9);
    assert.equal(r.skipped, 1);
    assert.equal(r.truncated, false);
    const long = strokesOf('x'.repeat(PASTE_MAX_CHARS + 10));
    assert.equal(long.strokes.length, PASTE_MAX_CHARS);
    assert.equal(long.truncated, true);
  });

  it('types with a pause after each character and stops when aborted', async () => {
    const sent: Sent[] = [];
    const pauses: number[] = [];
    const ac = new AbortController();
    const done = await typeStrokes(strokesOf('Hi!x').strokes, (...a) => sent.push(a), {
      delayMs: 25,
      signal: ac.signal,
      sleep: async (ms) => {
        pauses.push(ms);
        if (pauses.length === 3) ac.abort();
      },
    });
    assert.equal(done, 3);
    assert.deepEqual(pauses, [25, 25, 25]);
    // H: shift down, h down/up, shift up
    assert.deepEqual(sent.slice(0, 4), [
      [0xffe1, 'ShiftLeft', true],
      [0x48, 'KeyH', true],
      [0x48, 'KeyH', false],
      [0xffe1, 'ShiftLeft', false],
    ]);
    assert.deepEqual(sent[4], [0x69, 'KeyI', true]);
  });
});
