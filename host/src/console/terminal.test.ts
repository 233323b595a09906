import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeTerminal } from './fake-system.test-helper.ts';
import { KEY, parseKeys } from './terminal.ts';

describe('console terminal', () => {
  it('splits input into keys: characters, Enter (CR LF once), arrows, page keys, control keys', () => {
    assert.deepEqual(parseKeys('Tn\r\n'), ['T', 'n', KEY.enter]);
    assert.deepEqual(parseKeys('\r\r'), [KEY.enter, KEY.enter]);
    assert.deepEqual(parseKeys('\x1b[A\x1bOB\x1b[5~\x1b[6~\x1b[15~'), [
      KEY.up,
      KEY.down,
      KEY.pageUp,
      KEY.pageDown,
      KEY.other,
    ]);
    assert.deepEqual(parseKeys('\x1b'), [KEY.escape]);
    assert.deepEqual(parseKeys('\x7f\b\x03\x04\x0c\x01'), [
      KEY.backspace,
      KEY.backspace,
      KEY.ctrlC,
      KEY.ctrlD,
      KEY.ctrlL,
    ]);
    assert.deepEqual(parseKeys('é😀'), ['é', '😀']);
  });

  it('reads a line with echo and backspace, a secret one without echo', async () => {
    const t = fakeTerminal();
    const line = t.term.readLine('name: ');
    t.type('adx\x7fmin\r');
    assert.equal(await line, 'admin');
    assert.equal(t.text(), 'name: adx\b \bmin\n');
    const secret = t.term.readLine('pw: ', { secret: true });
    t.type('hunter2\x7f3\n');
    assert.equal(await secret, 'hunter3');
    assert.ok(t.text().endsWith('pw: \n'), JSON.stringify(t.text()));
  });

  it('cancels a line on Esc or Ctrl-C, and answers null once the input ends', async () => {
    const t = fakeTerminal();
    const a = t.term.readLine('> ');
    t.type('abc\x1b');
    assert.equal(await a, null);
    const b = t.term.readLine('> ');
    t.type('\x03');
    assert.equal(await b, null);
    const c = t.term.key();
    t.end();
    assert.equal(await c, null);
    assert.equal(await t.term.key(), null);
    assert.equal(t.term.ended(), true);
  });

  it('drops keys typed before a program gets the terminal, and reads again after', async () => {
    const t = fakeTerminal();
    t.type('xyz');
    await new Promise((r) => setImmediate(r));
    assert.equal(await t.term.handOver(async () => 7), 7);
    const k = t.term.key();
    t.type('q');
    assert.equal(await k, 'q');
  });

  it('uses the size of a TTY output, 80x24 otherwise', () => {
    assert.deepEqual(fakeTerminal({ cols: 132, rows: 50 }).term.size(), { cols: 132, rows: 50 });
    assert.deepEqual(fakeTerminal().term.size(), { cols: 80, rows: 24 });
  });
});
