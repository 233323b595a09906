import { z } from 'zod';
import { DiscoveryReport } from './discovery.ts';
import { type Ack, ErrorCode } from './errors.ts';
import type { HostEvent } from './events.ts';
import { IsoTime } from './common.ts';
import { EnrollmentId, EnrollmentSecret } from './hub-enrollment.ts';
import { HostLinkState, HostStatus } from './hub-hosts.ts';
import { SharedPoolDefinition } from './hub-pools.ts';
import type { TelemetrySample } from './telemetry.ts';
import { VirtName, VirtUuid } from './virt-common.ts';
import { VmAction, VmCreateRequest, VmSummary } from './virt-vm.ts';

/**
 * The live link: one socket.io connection per host, dialled by the host to the hub's
 * `LINK_PATH` with the hub's SPKI pinned (checked on the TLS handshake, before a byte is
 * written). The host proves it holds the key of the certificate the hub pinned by signing the
 * connection's TLS exported keying material, so the proof is useless on any other connection
 * and no secret crosses the link.
 */
export const LINK_PATH = '/api/v1/link';
/** RFC 5705 label of the keying material the host signs; 32 bytes, no context. */
export const LINK_EKM_LABEL = 'EXPORTER-quantix-link-v1';
export const LINK_EKM_BYTES = 32;
/** A host whose link is down this long is `not-responding`. */
export const LINK_GRACE_MS = 15_000;
/** How often a host pushes its `HostStatus` (its heartbeat). */
export const LINK_STATUS_INTERVAL_MS = 5_000;

/** Self-enrolment: what a host sends the first time, with the `qxh1.` string's id and secret. */
export const LinkEnroll = z.strictObject({
  id: EnrollmentId,
  secret: EnrollmentSecret,
  /** a `qxc.` credential the host minted for this hub (as `complete` would have: 8-char id, 32 base64url) */
  credential: z.string().regex(/^qxc\.[a-z0-9]{8}\.[A-Za-z0-9_-]{32}$/),
  url: z.url({ protocol: /^https$/ }),
  inventory: DiscoveryReport,
});
export type LinkEnroll = z.infer<typeof LinkEnroll>;

/** socket.io `auth` of the link handshake. */
export const LinkAuth = z.strictObject({
  v: z.literal(1),
  hostId: z.uuid(),
  hostname: z.string().min(1).max(253),
  version: z.string().max(64),
  /** the host's TLS certificate, PEM: its SPKI must be the one the hub pinned */
  certificate: z.string().min(100).max(8192),
  /** base64url ECDSA-SHA256 (DER) by the certificate's key over the connection's keying material */
  signature: z.string().regex(/^[A-Za-z0-9_-]{40,200}$/),
  enroll: LinkEnroll.optional(),
});
export type LinkAuth = z.infer<typeof LinkAuth>;

/**
 * Why the hub refused a link handshake (the `connect_error` message's `data`).
 * - `unknown-host`: no host of that id on the hub
 * - `removed`: the hub removed this host (since it started); the host should forget the hub
 * - `revoked`: this host revoked the hub; only a new adoption or enrolment brings it back
 * - `cert-changed`: the certificate is not the one pinned for that host id
 * - `bad-signature`: the keying-material signature does not verify with the certificate's key
 * - `enrollment-invalid` / `enrollment-expired`: the `qxh1.` string was refused
 * - `invalid`: a malformed handshake (or too many refused ones from that address)
 */
export const LinkRefusal = z.object({
  code: z.enum([
    'unknown-host',
    'cert-changed',
    'bad-signature',
    'removed',
    'revoked',
    'enrollment-invalid',
    'enrollment-expired',
    'invalid',
  ]),
  message: z.string(),
});
export type LinkRefusal = z.infer<typeof LinkRefusal>;

/** The first thing the hub says on every accepted link: who it is (a self-enrolled host learns it here). */
export const LinkWelcome = z.object({
  hubId: z.uuid(),
  hubName: z.string().min(1).max(128),
});
export type LinkWelcome = z.infer<typeof LinkWelcome>;

/** `host:vm-changed`: the host's `VmChanged` (socket.ts) as the hub parses it. */
export const LinkVmChanged = z.object({
  uuid: VirtUuid,
  event: z.string().max(32).nullable(),
  vm: VmSummary.nullable(),
});
export type LinkVmChanged = z.infer<typeof LinkVmChanged>;

/** `host:pool-changed`: the host's `ObjectChanged` (socket.ts) as the hub parses it. */
export const LinkPoolChanged = z.object({
  uuid: VirtUuid,
  name: z.string().max(255).nullable(),
  event: z.enum(['defined', 'undefined', 'started', 'stopped', 'created', 'deleted', 'changed']),
});
export type LinkPoolChanged = z.infer<typeof LinkPoolChanged>;

/** What a command's ack is parsed with on the hub. */
export const LinkAck = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: ErrorCode, message: z.string() }) }),
]);

/** An upload over the link moves in chunks of at most this size, each acked. */
export const LINK_CHUNK_BYTES = 1024 * 1024;

/** Commands the hub sends; each is acked with `Ack<result>`. */
export const LinkCommand = z.discriminatedUnion('type', [
  /** define, build, start and autostart the pool; the same definition again does nothing */
  z.strictObject({ type: z.literal('pool.apply'), definition: SharedPoolDefinition }),
  /** stop and undefine; `POOL_IN_USE` naming the VMs that use it */
  z.strictObject({ type: z.literal('pool.remove'), name: VirtName }),
  /** which VMs use the pool (disks or CD-ROMs) */
  z.strictObject({ type: z.literal('pool.usage'), name: VirtName }),
  z.strictObject({ type: z.literal('vms.list') }),
  z.strictObject({ type: z.literal('vm.action'), uuid: VirtUuid, action: VmAction }),
  z.strictObject({ type: z.literal('vm.create'), vm: VmCreateRequest }),
  z.strictObject({
    type: z.literal('files.list'),
    pool: VirtName,
    path: z.string().max(4096),
    offset: z.number().int().nonnegative().default(0),
    limit: z.number().int().min(1).max(1000).default(200),
  }),
  z.strictObject({
    type: z.literal('upload.open'),
    pool: VirtName,
    name: z.string().min(1).max(255),
    size: z.number().int().nonnegative(),
  }),
  z.strictObject({
    type: z.literal('upload.chunk'),
    uploadId: z.string().regex(/^[a-z0-9]{16}$/),
    offset: z.number().int().nonnegative(),
    data: z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.byteLength <= LINK_CHUNK_BYTES),
  }),
  z.strictObject({ type: z.literal('upload.finish'), uploadId: z.string().regex(/^[a-z0-9]{16}$/) }),
  z.strictObject({ type: z.literal('upload.abort'), uploadId: z.string().regex(/^[a-z0-9]{16}$/) }),
]);
export type LinkCommand = z.infer<typeof LinkCommand>;
export type LinkCommandType = LinkCommand['type'];

export const LinkWatch = z.strictObject({ telemetry: z.boolean() });
export type LinkWatch = z.infer<typeof LinkWatch>;

export const LinkForget = z.strictObject({ reason: z.string().max(200) });
export type LinkForget = z.infer<typeof LinkForget>;

export const LinkRevoked = z.strictObject({ reason: z.string().max(200) });
export type LinkRevoked = z.infer<typeof LinkRevoked>;

/** host → hub */
export interface LinkHostToHubEvents {
  'host:status': (s: HostStatus) => void;
  'host:telemetry': (s: TelemetrySample) => void;
  'host:vm-changed': (c: LinkVmChanged) => void;
  'host:pool-changed': (c: LinkPoolChanged) => void;
  'host:event': (e: HostEvent) => void;
  /** the admin revoked this hub on the host; the host closes the link right after the ack */
  'host:revoked': (r: LinkRevoked, ack: (a: Ack<null>) => void) => void;
}

/** hub → host */
export interface LinkHubToHostEvents {
  /** sent once, right after the hub accepted the handshake */
  'hub:welcome': (w: LinkWelcome) => void;
  'hub:command': (c: LinkCommand, ack: (a: Ack<unknown>) => void) => void;
  /** start or stop the 1 Hz telemetry push (someone on the hub watches this host) */
  'hub:watch': (w: LinkWatch) => void;
  /** the hub removed this host: forget the hub, do not dial again */
  'hub:forget': (f: LinkForget, ack: (a: Ack<null>) => void) => void;
}

/** `GET /api/v1/links`: the live state of every host's link, as the hub holds it in memory. */
export const LinkList = z.object({
  hosts: z.array(
    z.object({
      hostId: z.uuid(),
      state: HostLinkState,
      stateReason: z.string().nullable(),
      status: HostStatus.nullable(),
      lastSeenAt: IsoTime.nullable(),
    }),
  ),
});
export type LinkList = z.infer<typeof LinkList>;
