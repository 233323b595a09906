import { z } from 'zod';
import { IsoTime } from './common.ts';
import { FileListQuery } from './files.ts';
import { NetHost, NfsMountOptions } from './virt-storage.ts';
import { AbsolutePath, VirtName, VirtUuid } from './virt-common.ts';
import { VmAction, VmCreateRequest, VmSummary } from './virt-vm.ts';

/**
 * A shared storage pool: one definition owned by the hub, assigned to hosts. Every assigned host
 * must reach the same storage at `path` (an NFS export, or a directory on shared storage).
 */
export const SharedPoolDefinition = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('dir'), name: VirtName, path: AbsolutePath }),
  z.strictObject({
    type: z.literal('netfs'),
    name: VirtName,
    host: NetHost,
    exportPath: AbsolutePath,
    /** where each assigned host mounts the export */
    path: AbsolutePath,
    /** NFS mount options, e.g. `vers=4.2` (libvirt passes them to mount -o) */
    options: NfsMountOptions.default(''),
  }),
]);
export type SharedPoolDefinition = z.infer<typeof SharedPoolDefinition>;

/** Where the pool stands on one host it is assigned to. */
export const AssignmentState = z.enum(['pending', 'active', 'inactive', 'error', 'removing']);
export type AssignmentState = z.infer<typeof AssignmentState>;

export const PoolAssignment = z.object({
  hostId: z.uuid(),
  state: AssignmentState,
  /** libvirt's message for `error`; what is awaited for `pending` */
  message: z.string().nullable(),
  changedAt: IsoTime,
});
export type PoolAssignment = z.infer<typeof PoolAssignment>;

export const SharedPool = z.object({
  definition: SharedPoolDefinition,
  createdAt: IsoTime,
  assignments: z.array(PoolAssignment),
});
export type SharedPool = z.infer<typeof SharedPool>;

export const SharedPoolList = z.object({ pools: z.array(SharedPool) });
export type SharedPoolList = z.infer<typeof SharedPoolList>;

/** `PUT /api/v1/pools/:name/hosts/:hostId` needs no body; `DELETE` unassigns. */
export const PoolHostParams = z.object({ name: VirtName, hostId: z.uuid() });

/** Why a host is not offered for a new VM (greyed out in the wizard, refused by the API). */
export const PlacementRefusal = z.enum([
  'not-connected',
  'maintenance',
  'pool-not-assigned',
  'pool-not-active',
]);
export type PlacementRefusal = z.infer<typeof PlacementRefusal>;

export const PlacementCandidate = z.object({
  hostId: z.uuid(),
  hostname: z.string(),
  freeMemoryBytes: z.number().nonnegative(),
  /** empty: the host may take the VM */
  refusals: z.array(z.object({ reason: PlacementRefusal, message: z.string() })),
});
export type PlacementCandidate = z.infer<typeof PlacementCandidate>;

/** `GET /api/v1/placement?pools=a,b`: eligible hosts first, most free memory first. */
export const PlacementQuery = z.object({
  pools: z
    .string()
    .max(2048)
    .transform((s) => s.split(',').filter((p) => p !== ''))
    .pipe(z.array(VirtName).max(16)),
});
export const PlacementAnswer = z.object({ candidates: z.array(PlacementCandidate) });
export type PlacementAnswer = z.infer<typeof PlacementAnswer>;

/** `POST /api/v1/vms`: a VM created on the chosen host; its pools decide which hosts may take it. */
export const HubVmCreateRequest = z.strictObject({
  hostId: z.uuid(),
  vm: VmCreateRequest,
});
export type HubVmCreateRequest = z.infer<typeof HubVmCreateRequest>;

/** `/api/v1/pools/:name…` */
export const PoolNameParams = z.object({ name: VirtName });

/** `GET /api/v1/pools/:name/files?hostId=&path=&offset=&limit=`: without hostId the hub picks a host. */
export const PoolFilesQuery = FileListQuery.extend({ hostId: z.uuid().optional() });
export type PoolFilesQuery = z.infer<typeof PoolFilesQuery>;

/** `PUT /api/v1/pools/:name/files/:fileName?hostId=` (raw `application/octet-stream` body) */
export const PoolUploadParams = z.object({ name: VirtName, fileName: z.string().min(1).max(1024) });
export const PoolUploadQuery = z.object({ hostId: z.uuid().optional() });

/** `GET /api/v1/hosts/:hostId/vms` · `POST /api/v1/hosts/:hostId/vms/:uuid/actions/:action` */
export const HostVmsParams = z.object({ hostId: z.uuid() });
export const HostVmActionParams = z.object({ hostId: z.uuid(), uuid: VirtUuid, action: VmAction });

/*
 * What hosts answer to the link commands of pools and VMs (`LinkCommand` in link.ts); the hub
 * parses each answer with these. `pool.apply` → `HostPoolStatus`, `pool.remove` → null,
 * `files.list` → `FileListing`, `upload.finish` → `UploadResult`, `upload.abort` → null,
 * `vm.create` → `VmDetail`, `vm.action` → `VmSummary`.
 */

/** `pool.usage`: the host's VMs with a disk or CD-ROM in the pool (empty when the pool is not there) */
export const PoolUsage = z.object({ vms: z.array(z.string()) });
export type PoolUsage = z.infer<typeof PoolUsage>;

/** `upload.open`: the id the chunks name, and the sanitised name the file will have */
export const UploadOpened = z.object({ uploadId: z.string().regex(/^[a-z0-9]{16}$/), name: z.string() });
export type UploadOpened = z.infer<typeof UploadOpened>;

/** `upload.chunk`: the bytes received so far (the offset the next chunk must carry) */
export const UploadProgress = z.object({ received: z.number().int().nonnegative() });
export type UploadProgress = z.infer<typeof UploadProgress>;

/** `vms.list` */
export const HostVmList = z.object({ vms: z.array(VmSummary) });
export type HostVmList = z.infer<typeof HostVmList>;
