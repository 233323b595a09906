// A guest can print faster than a browser reads (`yes > /dev/ttyS0` to a stalled tab): what the
// WebSocket has not sent yet stays in the host's memory. Past a cap a viewer's output is dropped
// (the guest is never slowed down, the other viewers are not held back) and, once its socket
// drains, the viewer is told how much it missed.

/** What the gate needs of a WebSocket: `ws` has both. */
export interface Drainable {
  readonly bufferedAmount: number;
  send(data: Buffer, opts: { binary: true }): void;
}

export const SERIAL_BUFFER_CAP = 1024 * 1024;

export function createOutputGate(socket: Drainable, cap = SERIAL_BUFFER_CAP): (chunk: Buffer) => void {
  let skipped = 0;
  return (chunk) => {
    if (socket.bufferedAmount > cap) {
      skipped += chunk.length;
      return;
    }
    if (skipped > 0) {
      const note = `\r\n[quantix: ${skipped} bytes of output skipped: this browser fell behind]\r\n`;
      socket.send(Buffer.from(note, 'latin1'), { binary: true });
      skipped = 0;
    }
    socket.send(chunk, { binary: true });
  };
}
