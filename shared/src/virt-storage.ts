import { z } from 'zod';
import { AbsolutePath, VirtName, VirtUuid, VolumeFormat, VolumeName } from './virt-common.ts';

export const StoragePoolType = z.enum(['dir', 'netfs', 'logical']);
export type StoragePoolType = z.infer<typeof StoragePoolType>;

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME_RE = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);

/** An NFS server: an IPv4 or IPv6 address or an RFC 1123 host name. */
export const NetHost = z.union([
  z.ipv4(),
  z.ipv6(),
  z.string().regex(HOSTNAME_RE, 'a host name or IP address'),
]);

/** NFS mount options as `mount -o` takes them: comma-separated, letters, digits and "_.=,:-". */
export const NfsMountOptions = z
  .string()
  .regex(/^[A-Za-z0-9_.=,:-]{0,256}$/, 'mount options: letters, digits and "_.=,:-"');

/** An LVM volume group name (lvm(8): letters, digits and "+_.-", not starting with "-"). */
export const VgName = z
  .string()
  .regex(/^[A-Za-z0-9_+][A-Za-z0-9_.+-]{0,63}$/, 'letters, digits and "+_.-", at most 64')
  .refine((s) => s !== '.' && s !== '..', 'not "." or ".."');

export const BlockDevicePath = AbsolutePath.refine((s) => s.startsWith('/dev/'), 'a device under /dev/');

export const PoolCreateRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dir'), name: VirtName, path: AbsolutePath }),
  z.object({
    type: z.literal('netfs'),
    name: VirtName,
    host: NetHost,
    exportPath: AbsolutePath,
    /** Where the export is mounted on this host. */
    path: AbsolutePath,
    /** NFS mount options (`vers=4.2,nosuid`), handed to mount -o; a hub's shared pools set them */
    options: NfsMountOptions.optional(),
  }),
  z.object({
    type: z.literal('logical'),
    name: VirtName,
    vgName: VgName,
    /** Physical volumes to build the group from; omit to use an existing volume group. */
    devices: z.array(BlockDevicePath).min(1).max(16).optional(),
  }),
]);
export type PoolCreateRequest = z.infer<typeof PoolCreateRequest>;

export const PoolState = z.enum(['running', 'inactive', 'building', 'degraded', 'inaccessible']);
export type PoolState = z.infer<typeof PoolState>;

const Bytes = z.number().int().nonnegative();

export const PoolSummary = z.object({
  uuid: VirtUuid,
  name: z.string(),
  /** Pools Quantix did not create may be of another libvirt type. */
  type: z.union([StoragePoolType, z.literal('other')]),
  state: PoolState,
  autostart: z.boolean(),
  capacity: Bytes,
  allocation: Bytes,
  available: Bytes,
  volumes: z.number().int().nonnegative(),
  path: z.string().nullable(),
});
export type PoolSummary = z.infer<typeof PoolSummary>;

const FORMAT_BY_EXTENSION: Record<string, VolumeFormat> = {
  qcow2: 'qcow2',
  img: 'raw',
  raw: 'raw',
  iso: 'raw',
};

export const VolumeCreateRequest = z
  .object({ name: VolumeName, format: VolumeFormat, sizeGiB: z.number().positive().max(65_536) })
  // `disk.img` as qcow2 would confuse every tool that trusts the extension; other extensions are left alone.
  // `.iso` is raw: an upload creates the volume first, then streams into it.
  .refine(
    (r) => {
      const ext = r.name.includes('.') ? r.name.slice(r.name.lastIndexOf('.') + 1).toLowerCase() : '';
      const expected = FORMAT_BY_EXTENSION[ext];
      return expected === undefined || expected === r.format;
    },
    {
      message: 'the extension does not match the format (.qcow2 for qcow2; .img, .raw or .iso for raw)',
      path: ['name'],
    },
  );
export type VolumeCreateRequest = z.infer<typeof VolumeCreateRequest>;

export const VolumeSummary = z.object({
  name: z.string(),
  key: z.string(),
  path: z.string(),
  /** libvirt's volume type: file, block, dir, network, … */
  type: z.string(),
  /** qcow2, raw, iso, … as libvirt reports it; null when it does not say. */
  format: z.string().nullable(),
  capacity: Bytes,
  allocation: Bytes,
});
export type VolumeSummary = z.infer<typeof VolumeSummary>;

/** `GET /api/v1/storage/pools/:pool/volumes`. A volume libvirt cannot read (its file deleted behind
 * its back) is left out of `volumes` and named in `skipped`, never failing the whole list. */
export const VolumeList = z.object({
  volumes: z.array(VolumeSummary),
  skipped: z.array(z.object({ key: z.string(), reason: z.string() })),
});
export type VolumeList = z.infer<typeof VolumeList>;
