import type { PoolCreateRequest, StoragePoolType } from '@quantix/shared';

// shared/src/virt-storage.ts's rules as plain checks (the UI does not bundle zod); the host checks again.

export interface PoolForm {
  readonly type: StoragePoolType;
  readonly name: string;
  readonly path: string;
  readonly host: string;
  readonly exportPath: string;
  readonly vgName: string;
  /** block devices, separated by spaces, commas or new lines; may be empty for logical */
  readonly devices: string;
}

export const emptyPoolForm = (): PoolForm => ({
  type: 'dir',
  name: '',
  path: '',
  host: '',
  exportPath: '',
  vgName: '',
  devices: '',
});

const VIRT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ABS_PATH = /^(\/[A-Za-z0-9_.+@:-]+)+\/?$/;
const VG_NAME = /^[A-Za-z0-9_+][A-Za-z0-9_.+-]{0,63}$/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// a loose IPv6 check: hex groups and colons; the host parses it properly
const IPV6 = /^[0-9A-Fa-f:.]+$/;

export function absPathError(p: string): string | null {
  if (p === '') return 'Enter an absolute path.';
  if (p.length > 1024 || !ABS_PATH.test(p)) return 'An absolute path of letters, digits and "_.+@:-".';
  if (p.split('/').some((s) => s === '.' || s === '..')) return 'No "." or ".." in the path.';
  return null;
}

export function splitDevices(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s !== '');
}

export function validatePoolForm(f: PoolForm): Partial<Record<keyof PoolForm, string>> {
  const e: Partial<Record<keyof PoolForm, string>> = {};
  const name = f.name.trim();
  if (name === '') e.name = 'Give the pool a name.';
  else if (!VIRT_NAME.test(name) || name.includes('..')) {
    e.name = 'Letters, digits, "_", "." and "-", starting with a letter or digit, at most 64.';
  }
  if (f.type === 'dir' || f.type === 'netfs') {
    const err = absPathError(f.path.trim());
    if (err) e.path = err;
  }
  if (f.type === 'netfs') {
    const h = f.host.trim();
    if (!(IPV4.test(h) || HOSTNAME.test(h) || (h.includes(':') && IPV6.test(h)))) {
      e.host = 'A host name or IP address.';
    }
    const err = absPathError(f.exportPath.trim());
    if (err) e.exportPath = err;
  }
  if (f.type === 'logical') {
    const vg = f.vgName.trim();
    if (!VG_NAME.test(vg) || vg === '.' || vg === '..') e.vgName = 'Letters, digits and "+_.-", at most 64.';
    const devices = splitDevices(f.devices);
    if (devices.length > 16) e.devices = 'At most 16 devices.';
    const bad = devices.find((d) => absPathError(d) !== null || !d.startsWith('/dev/'));
    if (bad) e.devices = `"${bad}" is not a device under /dev/.`;
  }
  return e;
}

export function toPoolRequest(f: PoolForm): PoolCreateRequest {
  const name = f.name.trim();
  switch (f.type) {
    case 'dir':
      return { type: 'dir', name, path: f.path.trim() };
    case 'netfs':
      return {
        type: 'netfs',
        name,
        host: f.host.trim(),
        exportPath: f.exportPath.trim(),
        path: f.path.trim(),
      };
    case 'logical': {
      const devices = splitDevices(f.devices);
      return { type: 'logical', name, vgName: f.vgName.trim(), ...(devices.length > 0 ? { devices } : {}) };
    }
  }
}
