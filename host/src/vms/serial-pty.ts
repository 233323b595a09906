// The real serial port: the pty libvirt gave QEMU for the VM's serial line, opened from the host
// process (which runs as root beside libvirtd; libvirt-dbus has no OpenConsole). A tty handle
// reads it without blocking a thread-pool thread; raw mode so that nothing is echoed or rewritten.
import { closeSync, constants, openSync } from 'node:fs';
import { isatty, ReadStream } from 'node:tty';
import type { SerialPort } from './serial-consoles.ts';

export function openPtyPort(path: string): Promise<SerialPort> {
  // a pty opens at once: no thread-pool round trip needed
  const fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  if (!isatty(fd)) {
    closeSync(fd);
    throw new Error(`${path} is not a terminal`);
  }
  // libuv re-opens a pty slave for its own non-blocking handle; ours is closed with the stream
  const stream = new ReadStream(fd);
  stream.setRawMode(true);
  let closed = false;
  const closers: (() => void)[] = [];
  const finish = () => {
    if (closed) return;
    closed = true;
    for (const fn of closers) fn();
  };
  // EIO when QEMU closes its side (the VM stopped)
  stream.on('error', finish);
  stream.on('close', finish);
  stream.on('end', finish);
  return Promise.resolve({
    write(data) {
      if (!closed) stream.write(data);
    },
    onData(fn) {
      stream.on('data', (b: Buffer | string) => fn(typeof b === 'string' ? Buffer.from(b, 'latin1') : b));
    },
    onClose(fn) {
      closers.push(fn);
    },
    close() {
      stream.destroy();
      finish();
    },
  });
}
