import type { VolumeFormat } from '@quantix/shared';

// shared VolumeName and VolumeCreateRequest, as plain checks.
const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;
const FORMAT_BY_EXTENSION: Record<string, VolumeFormat> = {
  qcow2: 'qcow2',
  img: 'raw',
  raw: 'raw',
  iso: 'raw',
};

export function volumeNameError(name: string, format: VolumeFormat): string | null {
  if (name === '') return 'Give the volume a name.';
  if (!VOLUME_NAME.test(name) || name.includes('..') || name.endsWith('.')) {
    return 'Letters, digits, "_", "." and "-", starting with a letter or digit, at most 80.';
  }
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  const expected = FORMAT_BY_EXTENSION[ext];
  if (expected !== undefined && expected !== format) {
    return `A .${ext} name needs the ${expected} format.`;
  }
  return null;
}

/** `disk-1` → `disk-1.qcow2`: the extension that matches the format, when the name has none. */
export function withExtension(name: string, format: VolumeFormat): string {
  if (name === '' || name.includes('.')) return name;
  return `${name}.${format === 'qcow2' ? 'qcow2' : 'img'}`;
}

/**
 * Only disk images grow: an ISO (by libvirt's probed format or by name) or a directory has no
 * size to change. Block volumes without a format (LVM) are disks too.
 */
export function canResize(v: { name: string; type: string; format: string | null }): boolean {
  if (v.type === 'dir' || v.name.toLowerCase().endsWith('.iso')) return false;
  return v.format === null || v.format === 'qcow2' || v.format === 'raw';
}
