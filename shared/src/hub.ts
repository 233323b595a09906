import { z } from 'zod';
import { IsoTime, SpkiFingerprint } from './common.ts';
import type { Ack } from './errors.ts';
import type { HubHostChanged } from './hub-hosts.ts';
import type { ClientToServerEvents, ServerToClientEvents } from './socket.ts';
import type { TelemetrySample } from './telemetry.ts';
import { StoredEnrollment } from './hub-enrollment.ts';
import { HostStatus, StoredHubHost } from './hub-hosts.ts';
import { SharedPool } from './hub-pools.ts';
import { StoredUser } from './state.ts';

/** `<data>/hub.json`, the hub's durable state. Files from before hosts existed read as empty lists. */
export const HubState = z.object({
  schema: z.literal(1),
  hubId: z.uuid(),
  createdAt: IsoTime,
  users: z.array(StoredUser),
  hosts: z.array(StoredHubHost).default([]),
  pools: z.array(SharedPool).default([]),
  enrollments: z.array(StoredEnrollment).default([]),
});
export type HubState = z.infer<typeof HubState>;

/** `GET /api/v1/hub`: who the hub is, for the UI and for an admin comparing fingerprints. */
export const HubInfo = z.object({
  hubId: z.uuid(),
  spki: SpkiFingerprint,
  version: z.string(),
  /** the URL hosts are told to reach the hub at: --public-url, else the listening URL */
  publicUrl: z.string(),
});
export type HubInfo = z.infer<typeof HubInfo>;

/** `host:watch`: live telemetry of one host, while this socket watches it. */
export const HostWatchRequest = z.strictObject({ hostId: z.uuid() });
export type HostWatchRequest = z.infer<typeof HostWatchRequest>;

/**
 * `hosts:status`: the heartbeats of the last second, in one message — each connected host whose
 * status arrived since the previous batch, with its latest status. A heartbeat is not worth a
 * whole `host:changed` (the record with its inventory) per host every few seconds to every socket.
 */
export const HostStatusBatch = z.object({
  hosts: z.array(z.object({ hostId: z.uuid(), status: HostStatus, lastSeenAt: IsoTime.nullable() })),
});
export type HostStatusBatch = z.infer<typeof HostStatusBatch>;

export interface HostTelemetry {
  hostId: string;
  sample: TelemetrySample;
}

/**
 * The hub's socket.io events: the event log (hub actions and host events together, `source`
 * says which host), the data disk, sessions ending, and the fleet's live changes. Every socket
 * of a session is in the `hosts` room; `host:<hostId>` rooms scope telemetry.
 */
export type HubServerToClientEvents = Pick<
  ServerToClientEvents,
  'event:new' | 'session:ended' | 'data-disk:status'
> & {
  /** a host's record or live state changed (null: removed); a status alone comes in `hosts:status` */
  'host:changed': (c: HubHostChanged) => void;
  /** at most once a second: the statuses connected hosts pushed meanwhile */
  'hosts:status': (b: HostStatusBatch) => void;
  /** 1 Hz while this socket watches the host */
  'host:telemetry': (t: HostTelemetry) => void;
  /** a shared pool or one of its assignments changed (null pool: deleted) */
  'pool:changed': (c: { name: string; pool: SharedPool | null }) => void;
};
export type HubClientToServerEvents = Pick<
  ClientToServerEvents,
  'events:subscribe' | 'events:unsubscribe'
> & {
  /** HostWatchRequest → ack the last minute of samples the hub holds, then `host:telemetry` */
  'host:watch': (req: unknown, ack: (res: Ack<{ history: TelemetrySample[] }>) => void) => void;
  'host:unwatch': (req: unknown, ack: (res: Ack<null>) => void) => void;
};
