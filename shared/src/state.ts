import { z } from 'zod';
import { IsoTime, SpkiFingerprint, Username } from './common.ts';
import { HostEvent } from './events.ts';
import { EnrollmentId } from './hub-enrollment.ts';
import { TokenId } from './registration.ts';

/** Records the host keeps on disk. Every file is parsed with these on load. */
export const StoredUser = z.object({
  username: Username,
  role: z.literal('admin'),
  /** `scrypt$N$r$p$saltB64$hashB64` */
  passwordHash: z.string(),
  createdAt: IsoTime,
  passwordChangedAt: IsoTime,
});
export type StoredUser = z.infer<typeof StoredUser>;

export const StoredToken = z.object({
  id: TokenId,
  /** kept so the challenge proof can be computed; the file is mode 0600 */
  secret: z.string().regex(/^[a-z0-9]{16}$/),
  createdAt: IsoTime,
  expiresAt: IsoTime,
  createdBy: z.string(),
  state: z.enum(['active', 'used', 'superseded']),
});
export type StoredToken = z.infer<typeof StoredToken>;

export const StoredHub = z.object({
  hubId: z.uuid(),
  hubName: z.string(),
  hubUrl: z.string(),
  hubSpki: SpkiFingerprint,
  adoptedAt: IsoTime,
  lastSeenAt: IsoTime.nullable(),
  credentialId: z.string(),
  /** hex SHA-256 of the credential secret */
  credentialHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** how the hub came: adopted with a registration token, or this host joined it with a `qxh1.` string */
  via: z.enum(['token', 'enrollment']).default('token'),
  /** the token of an adoption (null for an enrolment) */
  viaTokenId: TokenId.nullable(),
  /** the enrolment id of a join (null for an adoption); files from before enrolment read as null */
  viaEnrollmentId: EnrollmentId.nullable().default(null),
});
export type StoredHub = z.infer<typeof StoredHub>;

export const HostState = z.object({
  schema: z.literal(1),
  hostId: z.uuid(),
  createdAt: IsoTime,
  users: z.array(StoredUser),
  tokens: z.array(StoredToken),
  hubs: z.array(StoredHub),
});
export type HostState = z.infer<typeof HostState>;

export const EventsState = z.object({
  schema: z.literal(1),
  nextSeq: z.number().int().nonnegative(),
  events: z.array(HostEvent),
});
export type EventsState = z.infer<typeof EventsState>;

/** Whether the host can write its data directory (state, events, its own log). */
export const DataDiskProblem = z.enum(['full', 'read-only']);
export type DataDiskProblem = z.infer<typeof DataDiskProblem>;

export const DataDiskStatus = z.object({
  writable: z.boolean(),
  /** why not: `full` (ENOSPC, EDQUOT) or `read-only` (EROFS); null while writable */
  problem: DataDiskProblem.nullable(),
  /** when the current problem was first seen; null while writable */
  since: IsoTime.nullable(),
});
export type DataDiskStatus = z.infer<typeof DataDiskStatus>;

/**
 * A volume the host is making (a new VM's disk, an image's copy, a clone's copy or overlay, a
 * cloud-init seed, a disk added on the Hardware tab): written before the volume is made, dropped
 * once the operation is over. One left at start-up belongs to an operation a kill cut short.
 */
export const PendingVolume = z.object({
  pool: z.string().min(1).max(255),
  volume: z.string().min(1).max(255),
  /** what was being done, for the event: `clone of "web01" as "web02"` */
  doing: z.string().max(300),
  since: IsoTime,
});
export type PendingVolume = z.infer<typeof PendingVolume>;

/** pending-volumes.json */
export const PendingVolumesState = z.object({
  schema: z.literal(1),
  volumes: z.array(PendingVolume).max(10_000),
});
export type PendingVolumesState = z.infer<typeof PendingVolumesState>;
