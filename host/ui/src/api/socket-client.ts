import type { ClientToServerEvents, ServerToClientEvents } from '@quantix/shared';
import type {
  QxSocket as QxSocketOf,
  SocketClient as SocketClientOf,
} from '@quantix/shared/ui/api/socket-client.ts';

/** The shell's socket client, speaking the host's events. */
export type SocketClient = SocketClientOf<ServerToClientEvents, ClientToServerEvents>;
export type QxSocket = QxSocketOf<ServerToClientEvents, ClientToServerEvents>;
