import type { HostIo, HostSocket } from '../socket/io.ts';
import type { DataDisk } from './data-disk.ts';

/** Every socket learns whether the data disk can be written, on connect and on every change. */
export function attachDataDiskSocket(deps: { io: HostIo; disk: DataDisk }): () => void {
  const { io, disk } = deps;
  io.on('connection', (socket: HostSocket) => {
    socket.emit('data-disk:status', disk.status());
  });
  return disk.onChange((s) => io.emit('data-disk:status', s));
}
