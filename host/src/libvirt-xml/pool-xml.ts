import { PoolCreateRequest } from '@quantix/shared';
import type { PoolSummary } from '@quantix/shared';
import { attr, buildXml, child, children, path, rootElement, scaledBytes, text, validate } from './xml.ts';

export function buildPoolXml(input: PoolCreateRequest): string {
  const spec = validate(PoolCreateRequest, input, 'pool');
  switch (spec.type) {
    case 'dir':
      return buildXml({ pool: { '@_type': 'dir', name: spec.name, target: { path: spec.path } } });
    case 'netfs':
      return buildXml({
        pool: {
          '@_type': 'netfs',
          name: spec.name,
          source: {
            host: { '@_name': spec.host },
            dir: { '@_path': spec.exportPath },
            format: { '@_type': 'nfs' },
          },
          target: { path: spec.path },
        },
      });
    case 'logical':
      return buildXml({
        pool: {
          '@_type': 'logical',
          name: spec.name,
          source: {
            name: spec.vgName,
            format: { '@_type': 'lvm2' },
            device: spec.devices?.map((d) => ({ '@_path': d })),
          },
          // libvirt insists on it and it can only be this: where LVM puts the group's device nodes
          target: { path: `/dev/${spec.vgName}` },
        },
      });
  }
}

export interface ParsedPool {
  name: string;
  uuid: string;
  type: PoolSummary['type'];
  /** libvirt's own type name, also for pools of a type Quantix does not create. */
  libvirtType: string;
  path: string | null;
  source: { host: string | null; dir: string | null; devices: string[]; name: string | null };
  capacity: number;
  allocation: number;
  available: number;
}

const KNOWN_TYPES = new Set<string>(['dir', 'netfs', 'logical']);

export function parsePoolXml(xml: string): ParsedPool {
  const pool = rootElement(xml, 'pool');
  const source = child(pool, 'source');
  const libvirtType = attr(pool, 'type') ?? '';
  return {
    name: text(child(pool, 'name')) ?? '',
    uuid: text(child(pool, 'uuid')) ?? '',
    type: KNOWN_TYPES.has(libvirtType) ? (libvirtType as PoolSummary['type']) : 'other',
    libvirtType,
    path: text(path(pool, 'target', 'path')) || null,
    source: {
      host: attr(child(source, 'host'), 'name') ?? null,
      dir: attr(child(source, 'dir'), 'path') ?? null,
      devices: children(source, 'device')
        .map((d) => attr(d, 'path'))
        .filter((p): p is string => p !== undefined),
      name: text(child(source, 'name')) || null,
    },
    capacity: scaledBytes(child(pool, 'capacity'), 'bytes') ?? 0,
    allocation: scaledBytes(child(pool, 'allocation'), 'bytes') ?? 0,
    available: scaledBytes(child(pool, 'available'), 'bytes') ?? 0,
  };
}
