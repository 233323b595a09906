import type { ServerToClientEvents } from '@quantix/shared';
import type { Io, IoSocket } from '../socket/io.ts';
import type { DataDisk } from './data-disk.ts';

type DataDiskEvents = Pick<ServerToClientEvents, 'data-disk:status'>;

/** Every socket learns whether the data disk can be written, on connect and on every change. */
export function attachDataDiskSocket(deps: { io: Io<object, DataDiskEvents>; disk: DataDisk }): () => void {
  const { io, disk } = deps;
  io.on('connection', (socket: IoSocket<object, DataDiskEvents>) => {
    socket.emit('data-disk:status', disk.status());
  });
  return disk.onChange((s) => io.emit('data-disk:status', s));
}
