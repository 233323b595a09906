import { z } from 'zod';
import type { Ack } from './errors.ts';
import type { HostEvent } from './events.ts';
import type { HypervisorStatus } from './hypervisor.ts';
import type { TelemetrySample } from './telemetry.ts';

/** Payloads a client may send; the server parses each with these schemas. */
export const TelemetrySubscribe = z.strictObject({
  /** how much history to send back at once (seconds, ≤ 3600) */
  historySeconds: z.number().int().min(0).max(3600).default(300),
});
export type TelemetrySubscribe = z.infer<typeof TelemetrySubscribe>;

export const EventsSubscribe = z.strictObject({ limit: z.number().int().min(0).max(1000).default(100) });
export type EventsSubscribe = z.infer<typeof EventsSubscribe>;

/** Why the server is about to drop a socket. */
export const SessionEnded = z.object({ reason: z.enum(['logout', 'expired', 'revoked']) });
export type SessionEnded = z.infer<typeof SessionEnded>;

export interface ServerToClientEvents {
  'telemetry:sample': (sample: TelemetrySample) => void;
  'event:new': (event: HostEvent) => void;
  'session:ended': (info: SessionEnded) => void;
  /** sent on connect and whenever libvirt comes or goes */
  'hypervisor:status': (status: HypervisorStatus) => void;
}

export interface ClientToServerEvents {
  'telemetry:subscribe': (req: unknown, ack: (res: Ack<{ history: TelemetrySample[] }>) => void) => void;
  'telemetry:unsubscribe': (ack: (res: Ack<null>) => void) => void;
  'events:subscribe': (req: unknown, ack: (res: Ack<{ events: HostEvent[] }>) => void) => void;
  'events:unsubscribe': (ack: (res: Ack<null>) => void) => void;
}

/** socket.io path; the same HTTPS server serves it. */
export const SOCKET_PATH = '/socket.io';
