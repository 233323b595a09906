import { z } from 'zod';
import { Description, VirtName, VirtUuid, VolumeName } from './virt-common.ts';

// Disk images, cloud-init and clones (issue 9, "Cloud-init and disk images").

/** The disk formats the host accepts from an upload or an import; anything else qemu-img detects is refused. */
export const ImageFormat = z.enum(['raw', 'qcow2']);
export type ImageFormat = z.infer<typeof ImageFormat>;

/** What `qemu-img info` found in a file, after the host's checks passed. */
export const ImageInfo = z.object({
  format: ImageFormat,
  /** the disk size the guest sees, bytes */
  virtualSize: z.number().int().positive(),
  /** bytes the file takes on disk */
  actualSize: z.number().int().nonnegative().nullable(),
});
export type ImageInfo = z.infer<typeof ImageInfo>;

/**
 * Where a new VM's disk comes from: a new blank volume (the default), a copy of an image volume
 * converted into a new volume (sizeGiB is then the least size: the image's own size wins when it
 * is larger), or an existing volume used as it is (sizeGiB and format are ignored).
 */
export const VmDiskSource = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('blank') }),
  z.strictObject({ type: z.literal('image'), pool: VirtName, volume: VolumeName }),
  z.strictObject({ type: z.literal('volume'), pool: VirtName, volume: VolumeName }),
]);
export type VmDiskSource = z.infer<typeof VmDiskSource>;

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';

/** A guest host name: RFC 1123 labels, at most 63 characters in all (cloud-init sets it as given). */
export const GuestHostname = z
  .string()
  .max(63)
  .regex(new RegExp(`^${LABEL}(?:\\.${LABEL})*$`), 'a host name: letters, digits and "-", dot-separated');

/** A Linux user name as useradd takes it by default. */
export const GuestUserName = z
  .string()
  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a user name: lower-case letters, digits, "_" and "-", at most 32')
  .refine((s) => s !== 'root', 'use another name than root');

/** An OpenSSH public key line: type, base64 key, optional comment; one line. */
export const SshPublicKey = z
  .string()
  .max(16_384)
  .regex(
    /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/,
    'an OpenSSH public key line ("ssh-ed25519 AAAA… comment")',
  );

/** A crypt(3) hash that cloud-init hands to chpasswd/usermod as it is: SHA-512, SHA-256 or yescrypt. */
export const PasswordHash = z
  .string()
  .max(512)
  .regex(
    /^\$(6|5)\$(rounds=\d{4,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}$|^\$y\$[./A-Za-z0-9$]{20,200}$/,
    'a crypt(3) hash ($6$…, $5$… or $y$…)',
  );

const Ipv4Cidr = z
  .string()
  .regex(/^(\d{1,3})(\.\d{1,3}){3}\/(\d|[12]\d|3[0-2])$/, 'an IPv4 address with its prefix (192.0.2.10/24)')
  .refine((s) => (s.split('/')[0] ?? '').split('.').every((o) => Number(o) <= 255), 'octets are 0–255');

export const CloudInitNetwork = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('dhcp') }),
  z.strictObject({
    mode: z.literal('static'),
    address: Ipv4Cidr,
    gateway: z.ipv4().optional(),
    dns: z.array(z.ipv4()).max(4).default([]),
  }),
]);
export type CloudInitNetwork = z.infer<typeof CloudInitNetwork>;

/**
 * A NoCloud seed for the guest's first boot: a user with a password (hashed on the host, never
 * stored) or a given hash, and/or SSH keys; the host name; the first NIC's address; or raw
 * user-data that replaces the generated one (the host name and network still apply).
 */
export const CloudInitConfig = z
  .strictObject({
    hostname: GuestHostname.optional(),
    user: GuestUserName.optional(),
    /** hashed on the host (SHA-512 crypt) and never stored; one line */
    password: z
      .string()
      .min(1)
      .max(256)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'no control characters or line breaks')
      .optional(),
    passwordHash: PasswordHash.optional(),
    sshKeys: z.array(SshPublicKey).max(16).default([]),
    network: CloudInitNetwork.default({ mode: 'dhcp' }),
    /** `#cloud-config` YAML or a `#!` script, at most 32 KiB */
    userData: z
      .string()
      .max(32_768)
      .refine((s) => /^(#cloud-config|#!|#include|#cloud-boothook|Content-Type:)/.test(s), {
        message: 'user-data starts with "#cloud-config", "#!", "#include" or a MIME header',
      })
      .optional(),
    /** the pool the seed ISO goes into (a directory pool); by default the first disk's */
    pool: VirtName.optional(),
  })
  .refine((c) => !(c.password !== undefined && c.passwordHash !== undefined), {
    message: 'give a password or a hash, not both',
    path: ['passwordHash'],
  })
  .refine((c) => c.user !== undefined || (c.password === undefined && c.passwordHash === undefined), {
    message: 'a password needs a user',
    path: ['user'],
  });
export type CloudInitConfig = z.infer<typeof CloudInitConfig>;
export type CloudInitConfigInput = z.input<typeof CloudInitConfig>;

/**
 * `POST /api/v1/vms/:uuid/clone`. `full`: new volumes with a copy of every disk (in `pool`, by
 * default each disk's own); `linked`: qcow2 overlays on the template's volumes, in the same pool
 * (templates only). The source must be shut off. A cloud-init seed of the source is not copied;
 * `cloudInit` gives the clone its own.
 */
export const VmCloneRequest = z
  .strictObject({
    name: VirtName,
    mode: z.enum(['full', 'linked']).default('full'),
    pool: VirtName.optional(),
    description: Description.optional(),
    cloudInit: CloudInitConfig.optional(),
  })
  .refine((r) => !(r.mode === 'linked' && r.pool !== undefined), {
    message: 'a linked clone lives in the template volumes’ pool',
    path: ['pool'],
  });
export type VmCloneRequest = z.infer<typeof VmCloneRequest>;
export type VmCloneRequestInput = z.input<typeof VmCloneRequest>;

/** `GET /api/v1/storage/pools/:pool/volumes/:volume/image`: what qemu-img finds in a volume. */
export const VolumeImageInfo = ImageInfo.extend({ pool: z.string(), volume: z.string() });
export type VolumeImageInfo = z.infer<typeof VolumeImageInfo>;

/** A template's linked clones (named in TEMPLATE_IN_USE). */
export const LinkedClone = z.object({ uuid: VirtUuid, name: z.string() });
export type LinkedClone = z.infer<typeof LinkedClone>;
