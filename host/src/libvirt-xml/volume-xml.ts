import { AbsolutePath, VolumeFormat, VolumeName } from '@quantix/shared';
import type { VolumeSummary } from '@quantix/shared';
import { z } from 'zod';
import { attr, buildXml, child, path, rootElement, scaledBytes, text, validate } from './xml.ts';

export const VolumeSpec = z.object({
  name: VolumeName,
  format: VolumeFormat,
  /** At most 64 TiB, the largest disk a VmCreateRequest may ask for. */
  capacityBytes: z
    .number()
    .int()
    .positive()
    .max(2 ** 46),
  /** a qcow2 overlay on this volume (a linked clone): reads fall through to it, writes stay here */
  backingStore: z.object({ path: AbsolutePath, format: VolumeFormat }).optional(),
});
export type VolumeSpec = z.infer<typeof VolumeSpec>;

/** A sparse volume: allocation 0, so a 100 GiB qcow2 or raw file costs nothing until written. */
export function buildVolumeXml(input: VolumeSpec): string {
  const spec = validate(VolumeSpec, input, 'volume');
  return buildXml({
    volume: {
      name: spec.name,
      capacity: { '@_unit': 'bytes', '#text': spec.capacityBytes },
      allocation: { '@_unit': 'bytes', '#text': 0 },
      target: { format: { '@_type': spec.format } },
      backingStore: spec.backingStore
        ? { path: spec.backingStore.path, format: { '@_type': spec.backingStore.format } }
        : undefined,
    },
  });
}

/** The file a volume is an overlay of (libvirt's `<backingStore><path>`), or null. */
export function parseVolumeBackingPath(xml: string): string | null {
  return text(path(rootElement(xml, 'volume'), 'backingStore', 'path')) || null;
}

export function parseVolumeXml(xml: string): VolumeSummary {
  const volume = rootElement(xml, 'volume');
  return {
    name: text(child(volume, 'name')) ?? '',
    key: text(child(volume, 'key')) ?? '',
    path: text(path(volume, 'target', 'path')) ?? '',
    type: attr(volume, 'type') ?? 'file',
    format: attr(path(volume, 'target', 'format'), 'type') ?? null,
    capacity: scaledBytes(child(volume, 'capacity'), 'bytes') ?? 0,
    allocation: scaledBytes(child(volume, 'allocation'), 'bytes') ?? 0,
  };
}
