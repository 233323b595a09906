import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { createSerialConsoles, type SerialPort, type SerialViewer } from './serial-consoles.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} } as never;

function fakePort() {
  let onData: (b: Buffer) => void = () => {};
  const closers: (() => void)[] = [];
  const written: string[] = [];
  let closed = false;
  const port: SerialPort = {
    write: (b) => written.push(b.toString()),
    onData: (fn) => {
      onData = fn;
    },
    onClose: (fn) => closers.push(fn),
    close: () => {
      closed = true;
      for (const fn of closers) fn();
    },
  };
  return {
    port,
    written,
    emit: (s: string) => onData(Buffer.from(s)),
    hangUp: () => port.close(),
    get closed() {
      return closed;
    },
  };
}

function viewer() {
  const v = { text: '', modes: [] as string[], ends: [] as string[] };
  const sink: SerialViewer = {
    data: (b) => {
      v.text += b.toString();
    },
    mode: (m) => v.modes.push(m),
    end: (r) => v.ends.push(r),
  };
  return { v, sink };
}

describe('serial consoles', () => {
  it('opens one port per VM, fans out, replays the backlog, and lets one viewer type', async () => {
    const fake = fakePort();
    let opened = 0;
    const consoles = createSerialConsoles({
      resolve: async () => ({ path: '/dev/pts/9', name: 'a' }),
      openPort: async () => {
        opened++;
        return fake.port;
      },
      log: silent,
    });
    const a = viewer();
    const aa = await consoles.attach('u1', a.sink);
    fake.emit('boot ');
    const b = viewer();
    const bb = await consoles.attach('u1', b.sink);
    assert.equal(opened, 1);
    assert.equal(b.v.text, 'boot ', 'the newcomer gets what was said before');
    fake.emit('login:');
    assert.equal(a.v.text, 'boot login:');
    assert.equal(b.v.text, 'boot login:');
    assert.equal(a.v.modes.at(-1), 'write');
    assert.equal(b.v.modes.at(-1), 'read-only');
    aa.input(Buffer.from('root\r'));
    bb.input(Buffer.from('evil\r'));
    assert.deepEqual(fake.written, ['root\r']);
    bb.takeOver();
    assert.equal(a.v.modes.at(-1), 'read-only');
    assert.equal(b.v.modes.at(-1), 'write');
    aa.input(Buffer.from('x'));
    bb.input(Buffer.from('y'));
    assert.deepEqual(fake.written, ['root\r', 'y']);
    bb.leave();
    assert.equal(a.v.modes.at(-1), 'write', 'the next in line writes when the writer leaves');
    assert.equal(fake.closed, false);
    aa.leave();
    assert.equal(fake.closed, true, 'the last viewer closes the port');
    assert.equal(consoles.open, 0);
  });

  it('ends every viewer when the port goes away, and passes on a refusal', async () => {
    const fake = fakePort();
    const consoles = createSerialConsoles({
      resolve: async (uuid) => {
        if (uuid === 'off') throw new AppError('VM_STATE_INVALID', 'the VM is not running');
        return { path: '/dev/pts/9', name: 'a' };
      },
      openPort: async () => fake.port,
      log: silent,
    });
    const a = viewer();
    await consoles.attach('u1', a.sink);
    fake.hangUp();
    assert.equal(a.v.ends.length, 1);
    assert.equal(consoles.open, 0);
    await assert.rejects(consoles.attach('off', viewer().sink), { code: 'VM_STATE_INVALID' });
  });
  it("does not keep a pty that stopped being the VM's while it opened (a reused pts number)", async () => {
    const fake = fakePort();
    const paths = ['/dev/pts/7', '/dev/pts/9'];
    const consoles = createSerialConsoles({
      resolve: async () => ({ path: paths.shift() ?? '/dev/pts/9', name: 'vm' }),
      openPort: async () => fake.port,
      log: silent,
    });
    const { sink } = viewer();
    await assert.rejects(consoles.attach('u1', sink), (e: AppError) => e.code === 'VM_STATE_INVALID');
    assert.equal(fake.closed, true, 'the port it opened is closed again');
    assert.equal(consoles.open, 0);
  });
});
