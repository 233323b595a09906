import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileSpec } from './file-source.ts';

/** A libvirt domain name as this host accepts it; nothing else ever becomes part of a path. */
export const VM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const isVmName = (name: string): boolean => VM_NAME.test(name) && !name.includes('..');

export const QEMU_SOURCE_PREFIX = 'qemu:';

/** `<dir>/<name>.log`, libvirt's per-VM QEMU log; null for a name that is not a VM name. */
export function qemuLogSpec(dir: string, name: string): FileSpec | null {
  if (!isVmName(name)) return null;
  return {
    id: `${QEMU_SOURCE_PREFIX}${name}`,
    label: `VM ${name} (QEMU)`,
    path: join(dir, `${name}.log`),
    format: 'qemu',
  };
}

/** The QEMU logs in a directory (`*.log` named like a VM), sorted by name; [] if it is missing. */
export async function listQemuLogs(dir: string): Promise<FileSpec[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const specs: FileSpec[] = [];
  for (const n of names.sort()) {
    if (!n.endsWith('.log')) continue;
    const spec = qemuLogSpec(dir, n.slice(0, -'.log'.length));
    if (spec) specs.push(spec);
  }
  return specs;
}
