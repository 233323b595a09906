import { z } from 'zod';
import { IsoTime, SpkiFingerprint } from './common.ts';
import type { ClientToServerEvents, ServerToClientEvents } from './socket.ts';
import { StoredEnrollment } from './hub-enrollment.ts';
import { StoredHubHost } from './hub-hosts.ts';
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

/** The hub's socket.io events so far: the event log, the data disk, sessions ending. */
export type HubServerToClientEvents = Pick<
  ServerToClientEvents,
  'event:new' | 'session:ended' | 'data-disk:status'
>;
export type HubClientToServerEvents = Pick<ClientToServerEvents, 'events:subscribe' | 'events:unsubscribe'>;
