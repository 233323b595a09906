import { PoolCreateRequest } from '@quantix/shared';
import type { PoolSummary } from '@quantix/shared';
import { attr, buildXml, child, children, path, rootElement, scaledBytes, text, validate } from './xml.ts';

export function buildPoolXml(input: PoolCreateRequest): string {
  const spec = validate(PoolCreateRequest, input, 'pool');
  switch (spec.type) {
    case 'dir':
      return buildXml({ pool: { '@_type': 'dir', name: spec.name, target: { path: spec.path } } });
    case 'netfs': {
      const options = splitMountOptions(spec.options ?? '');
      return buildXml({
        pool: {
          '@_type': 'netfs',
          // libvirt's own namespace for what it hands to mount -o (libvirt >= 5.1)
          ...(options.length ? { '@_xmlns:fs': FS_NS } : {}),
          name: spec.name,
          source: {
            host: { '@_name': spec.host },
            dir: { '@_path': spec.exportPath },
            format: { '@_type': 'nfs' },
          },
          target: { path: spec.path },
          ...(options.length
            ? { 'fs:mount_opts': { 'fs:option': options.map((o) => ({ '@_name': o })) } }
            : {}),
        },
      });
    }
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

const FS_NS = 'http://libvirt.org/schemas/storagepool/fs/1.0';

/** `vers=4.2,,nosuid` → ['vers=4.2', 'nosuid']: libvirt joins the options back with commas. */
export function splitMountOptions(options: string): string[] {
  return options.split(',').filter((o) => o !== '');
}

/** The NFS mount options a netfs pool's XML carries (libvirt's `fs:` namespace), in order. */
export function poolMountOptions(xml: string): string[] {
  const pool = rootElement(xml, 'pool');
  return children(child(pool, 'fs:mount_opts'), 'fs:option')
    .map((o) => attr(o, 'name'))
    .filter((n): n is string => n !== undefined);
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
