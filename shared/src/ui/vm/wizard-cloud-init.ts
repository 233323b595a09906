import type { CloudInitConfig, VmDiskSource, VolumeSummary } from '@quantix/shared';
import type { Errors } from './wizard-form.ts';

// The wizard's cloud-init step and "disk from image": the rules of shared/src/virt-vm-images.ts
// as plain checks (the UI does not bundle zod); the host validates again.

export interface CloudInitForm {
  readonly enabled: boolean;
  readonly hostname: string;
  readonly user: string;
  /** typed here, hashed on the host; never stored */
  readonly password: string;
  /** one OpenSSH public key per line */
  readonly sshKeys: string;
  readonly network: 'dhcp' | 'static';
  /** 192.0.2.10/24 */
  readonly address: string;
  readonly gateway: string;
  /** comma- or space-separated */
  readonly dns: string;
  /** optional raw user-data, replacing the generated one */
  readonly userData: string;
}

export function emptyCloudInit(): CloudInitForm {
  return {
    enabled: false,
    hostname: '',
    user: '',
    password: '',
    sshKeys: '',
    network: 'dhcp',
    address: '',
    gateway: '',
    dns: '',
    userData: '',
  };
}

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const SSH_KEY =
  /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const USER_DATA = /^(#cloud-config|#!|#include|#cloud-boothook|Content-Type:)/;

const keysOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
const dnsOf = (text: string) => text.split(/[\s,]+/).filter((s) => s !== '');

export function validateCloudInit(c: CloudInitForm | undefined): Errors {
  if (!c?.enabled) return {};
  const e: Errors = {};
  if (c.hostname && (c.hostname.length > 63 || !HOSTNAME.test(c.hostname))) {
    e['ci-hostname'] = 'A host name: letters, digits and "-", dot-separated, at most 63.';
  }
  if (c.user && (!USER.test(c.user) || c.user === 'root')) {
    e['ci-user'] = 'Lower-case letters, digits, "_" and "-", at most 32; not root.';
  }
  if (c.password && !c.user) e['ci-password'] = 'A password needs a user name.';
  const bad = keysOf(c.sshKeys).findIndex((k) => !SSH_KEY.test(k));
  if (bad >= 0) e['ci-keys'] = `Line ${bad + 1} is not an OpenSSH public key ("ssh-ed25519 AAAA… comment").`;
  if (keysOf(c.sshKeys).length > 16) e['ci-keys'] = 'At most 16 keys.';
  if (c.network === 'static') {
    const [ip, prefix] = c.address.split('/');
    if (!ip || !IPV4.test(ip) || !/^\d{1,2}$/.test(prefix ?? '') || Number(prefix) > 32) {
      e['ci-address'] = 'An IPv4 address with its prefix, e.g. 192.0.2.10/24.';
    }
    if (c.gateway && !IPV4.test(c.gateway)) e['ci-gateway'] = 'An IPv4 address.';
    const dns = dnsOf(c.dns);
    if (dns.some((d) => !IPV4.test(d)) || dns.length > 4) e['ci-dns'] = 'Up to 4 IPv4 addresses.';
  }
  if (c.userData && !USER_DATA.test(c.userData)) {
    e['ci-userdata'] = 'User-data starts with "#cloud-config", "#!" or "#include".';
  } else if (c.userData.length > 32_768) e['ci-userdata'] = 'At most 32 KiB.';
  return e;
}

/** The request's `cloudInit`, or nothing when the step is off. */
export function cloudInitField(c: CloudInitForm | undefined): { cloudInit?: CloudInitConfig } {
  if (!c?.enabled) return {};
  const dns = dnsOf(c.dns);
  return {
    cloudInit: {
      ...(c.hostname ? { hostname: c.hostname } : {}),
      ...(c.user ? { user: c.user } : {}),
      ...(c.password ? { password: c.password } : {}),
      sshKeys: keysOf(c.sshKeys),
      network:
        c.network === 'static'
          ? {
              mode: 'static',
              address: c.address.trim(),
              ...(c.gateway ? { gateway: c.gateway.trim() } : {}),
              dns,
            }
          : { mode: 'dhcp' },
      ...(c.userData.trim() ? { userData: c.userData } : {}),
    },
  };
}

/** A disk image or volume a new disk can come from: `image:pool/volume` / `volume:pool/volume`. */
export interface ImageOption {
  readonly pool: string;
  readonly volume: string;
  /** as libvirt reports it; the host inspects it again with qemu-img */
  readonly format: string | null;
  readonly size: number;
}

/** Volumes that are disk images (not ISOs, not our own seeds), from every pool loaded. */
export function imageOptions(
  volumes: Readonly<Record<string, readonly VolumeSummary[] | null>>,
): ImageOption[] {
  const out: ImageOption[] = [];
  for (const [pool, list] of Object.entries(volumes)) {
    for (const v of list ?? []) {
      const n = v.name.toLowerCase();
      if (n.endsWith('.iso')) continue;
      out.push({ pool, volume: v.name, format: v.format, size: v.capacity });
    }
  }
  return out.sort((a, b) => a.volume.localeCompare(b.volume) || a.pool.localeCompare(b.pool));
}

/** A disk's `source` from the form's select value ('' is a new blank disk). */
export function diskSourceOf(value: string | undefined): VmDiskSource | undefined {
  const m = /^(image|volume):([^/]+)\/(.+)$/.exec(value ?? '');
  if (!m) return undefined;
  return { type: m[1] as 'image' | 'volume', pool: m[2] ?? '', volume: m[3] ?? '' };
}
