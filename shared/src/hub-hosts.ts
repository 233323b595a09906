import { z } from 'zod';
import { IsoTime, SpkiFingerprint } from './common.ts';
import { DiscoveryReport } from './discovery.ts';
import { RegistrationToken } from './registration.ts';
import { PoolState } from './virt-storage.ts';

/**
 * A host as the hub sees it.
 * - `pending`: adopted, its link has not come up yet
 * - `connected`: the link is up
 * - `not-responding`: the link went down and did not come back within 15 s
 * - `disconnected`: the host revoked the hub (`stateReason` says so); it will not dial again
 * - `cert-changed`: another certificate answers at the host's address or in its name; the hub
 *   sends it nothing until the admin re-pairs it with a fresh token
 */
export const HostLinkState = z.enum([
  'pending',
  'connected',
  'not-responding',
  'disconnected',
  'cert-changed',
]);
export type HostLinkState = z.infer<typeof HostLinkState>;

/** `POST /api/v1/hosts/discover` and `POST /api/v1/hosts`: a join string, or a URL and a token. */
export const AddHostRequest = z
  .strictObject({
    /** `qx1.…` join string or `https://host[:port]` */
    target: z.string().trim().min(1).max(4096),
    /** required with a URL; a join string carries its own */
    token: RegistrationToken.optional(),
  })
  .refine((r) => r.target.startsWith('qx1.') || r.token !== undefined, {
    message: 'a host URL needs its registration token (or paste the join string)',
    path: ['token'],
  });
export type AddHostRequest = z.infer<typeof AddHostRequest>;

/** What the admin reviews before "Add": phases 1–4 done, nothing recorded on either side. */
export const HostPreview = z.object({
  hostId: z.uuid(),
  hostname: z.string(),
  /** the origin the hub talks to */
  url: z.string(),
  spki: SpkiFingerprint,
  version: z.string(),
  tokenExpiresAt: IsoTime,
  inventory: DiscoveryReport,
});
export type HostPreview = z.infer<typeof HostPreview>;

/** A libvirt pool as a host reports it in its status. */
export const HostPoolStatus = z.object({
  name: z.string(),
  state: PoolState,
  capacity: z.number().nonnegative(),
  available: z.number().nonnegative(),
});
export type HostPoolStatus = z.infer<typeof HostPoolStatus>;

/** The summary a host pushes over its link every few seconds; doubles as its heartbeat. */
export const HostStatus = z.object({
  at: IsoTime,
  hostname: z.string(),
  version: z.string(),
  hypervisorAvailable: z.boolean(),
  /** 0–100, null until two samples exist */
  cpuPercent: z.number().min(0).max(100).nullable(),
  cpuCount: z.number().int().nonnegative(),
  memoryTotalBytes: z.number().nonnegative(),
  memoryUsedBytes: z.number().nonnegative(),
  vms: z.object({ total: z.number().int().nonnegative(), running: z.number().int().nonnegative() }),
  pools: z.array(HostPoolStatus).max(256),
});
export type HostStatus = z.infer<typeof HostStatus>;

/** How the host came to the hub. */
export const HostVia = z.enum(['token', 'enrollment']);
export type HostVia = z.infer<typeof HostVia>;

/** A host record as the hub's API gives it (never its credential). */
export const HubHost = z.object({
  hostId: z.uuid(),
  hostname: z.string(),
  url: z.string(),
  spki: SpkiFingerprint,
  version: z.string(),
  via: HostVia,
  adoptedAt: IsoTime,
  state: HostLinkState,
  /** why the host is disconnected or cert-changed, in words */
  stateReason: z.string().nullable(),
  /** last time anything arrived over the link */
  lastSeenAt: IsoTime.nullable(),
  /** persistent; a host in maintenance gets no new VMs; heartbeats never clear it */
  maintenance: z.boolean(),
  status: HostStatus.nullable(),
  inventory: DiscoveryReport,
});
export type HubHost = z.infer<typeof HubHost>;

export const HostList = z.object({ hosts: z.array(HubHost) });
export type HostList = z.infer<typeof HostList>;

export const MaintenanceUpdate = z.strictObject({ maintenance: z.boolean() });
export type MaintenanceUpdate = z.infer<typeof MaintenanceUpdate>;

/** What the hub keeps of an adopted host in hub.json. */
export const StoredHubHost = z.object({
  hostId: z.uuid(),
  hostname: z.string(),
  url: z.string(),
  /** pinned at adoption; every later connection must present it */
  spki: SpkiFingerprint,
  version: z.string(),
  via: HostVia,
  adoptedAt: IsoTime,
  /** the host's `qxc.` credential, sealed with the hub's secret key (`sealed:v1:…`) */
  credential: z.string(),
  inventory: DiscoveryReport,
  maintenance: z.boolean(),
  /** set when the host revoked the hub: the host stays listed as disconnected */
  revokedAt: IsoTime.nullable(),
  lastSeenAt: IsoTime.nullable(),
});
export type StoredHubHost = z.infer<typeof StoredHubHost>;

/** Live changes pushed to hub UI sockets in the `hosts` room. */
export const HubHostChanged = z.object({
  hostId: z.uuid(),
  /** null: the host was removed */
  host: HubHost.nullable(),
});
export type HubHostChanged = z.infer<typeof HubHostChanged>;
