import type { SharedPoolDefinition } from '@quantix/shared';
import { type PoolForm, validatePoolForm } from '@quantix/shared/ui/storage/pool-form.ts';

// The host's pool form rules (shared/src/ui/storage/pool-form.ts) for the name, path and NFS
// server, plus the mount options of hub-pools.ts; the hub checks again.

export interface SharedPoolForm {
  readonly type: 'dir' | 'netfs';
  readonly name: string;
  readonly path: string;
  readonly host: string;
  readonly exportPath: string;
  readonly options: string;
}

export const emptySharedPoolForm = (): SharedPoolForm => ({
  type: 'netfs',
  name: '',
  path: '',
  host: '',
  exportPath: '',
  options: '',
});

const OPTIONS = /^[A-Za-z0-9_.=,:-]{0,256}$/;

export function validateSharedPool(f: SharedPoolForm): Partial<Record<keyof SharedPoolForm, string>> {
  const asPool: PoolForm = { ...f, vgName: '', devices: '' };
  const { name, path, host, exportPath } = validatePoolForm(asPool);
  const e: Partial<Record<keyof SharedPoolForm, string>> = {};
  if (name) e.name = name;
  if (path) e.path = path;
  if (f.type === 'netfs') {
    if (host) e.host = host;
    if (exportPath) e.exportPath = exportPath;
    if (!OPTIONS.test(f.options.trim()))
      e.options = 'Letters, digits and "_.=,:-", at most 256, e.g. vers=4.2.';
  }
  return e;
}

export function toDefinition(f: SharedPoolForm): SharedPoolDefinition {
  const name = f.name.trim();
  const path = f.path.trim();
  if (f.type === 'dir') return { type: 'dir', name, path };
  return {
    type: 'netfs',
    name,
    host: f.host.trim(),
    exportPath: f.exportPath.trim(),
    path,
    options: f.options.trim(),
  };
}
