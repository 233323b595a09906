/** libvirt-dbus object paths: `<base>/<kind>/_<uuid with "_" for "-">`. */
export type ObjectKind = 'domain' | 'storagepool' | 'network';

const BASES: Record<string, string> = {
  'qemu:///system': '/org/libvirt/QEMU',
  'test:///default': '/org/libvirt/Test',
};

/** The connection object for a URI, or null when libvirt-dbus does not serve it. */
export function connectPath(uri: string): string | null {
  return BASES[uri] ?? null;
}

export const SUPPORTED_URIS = Object.keys(BASES);

export function objectPath(base: string, kind: ObjectKind, uuid: string): string {
  return `${base}/${kind}/_${uuid.replace(/-/g, '_')}`;
}

export function uuidFromPath(path: string): string {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.replace(/^_/, '').replace(/_/g, '-');
}

/**
 * A volume's key (for files, its path) from its libvirt-dbus object path
 * `<base>/storagevol/<key>`, where libvirt-dbus wrote every byte but [A-Za-z0-9] as `_xx` (hex).
 */
export function volumeKeyFromPath(path: string): string {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.replace(/_([0-9a-fA-F]{2})/g, (_m, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}
