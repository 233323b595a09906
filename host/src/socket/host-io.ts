import type { ClientToServerEvents, ServerToClientEvents } from '@quantix/shared';
import type { Io, IoSocket } from '@quantix/shared/server';

/** socket.io with the host's event maps (shared/src/socket.ts). */
export type HostIo = Io<ClientToServerEvents, ServerToClientEvents>;
export type HostSocket = IoSocket<ClientToServerEvents, ServerToClientEvents>;
