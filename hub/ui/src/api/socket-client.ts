import type { HubClientToServerEvents, HubServerToClientEvents } from '@quantix/shared';
import type {
  QxSocket as QxSocketOf,
  SocketClient as SocketClientOf,
} from '@quantix/shared/ui/api/socket-client.ts';

/** The shell's socket client, speaking the hub's events. */
export type SocketClient = SocketClientOf<HubServerToClientEvents, HubClientToServerEvents>;
export type HubSocket = QxSocketOf<HubServerToClientEvents, HubClientToServerEvents>;
