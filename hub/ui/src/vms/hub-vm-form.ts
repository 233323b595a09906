import type { HostPoolStatus, HubVmCreateRequest } from '@quantix/shared';
import {
  type Errors,
  type IsoOption,
  toCreateRequest,
  validateBasics,
  validateBoot,
  validateCdrom,
  validateDisks,
  validateNetwork,
  type WizardForm,
} from '@quantix/shared/ui/vm/wizard-form.ts';

// The hub's VM wizard is the host's wizard rules (shared/src/ui/vm/wizard-form.ts) on a smaller
// form: one disk in one of the chosen shared pools, an optional ISO from them, the network by name.

export interface HubVmForm {
  /** the shared pools the VM uses: they decide which hosts may take it */
  readonly pools: readonly string[];
  readonly hostId: string;
  readonly name: string;
  readonly vcpus: string;
  readonly memoryMiB: string;
  readonly diskPool: string;
  readonly diskSizeGiB: string;
  /** '' or `pool/volume` */
  readonly cdrom: string;
  /** `network:<name>`, `bridge`, `user` or `none` (as the host's wizard) */
  readonly network: string;
  readonly bridge: string;
}

export const emptyHubVmForm = (): HubVmForm => ({
  pools: [],
  hostId: '',
  name: '',
  vcpus: '2',
  memoryMiB: '2048',
  diskPool: '',
  diskSizeGiB: '20',
  cdrom: '',
  network: 'network:default',
  bridge: '',
});

/** The host wizard's form for the same VM: a boot from the ISO when there is one. */
export function asWizardForm(f: HubVmForm): WizardForm {
  return {
    name: f.name,
    vcpus: f.vcpus,
    memoryMiB: f.memoryMiB,
    description: '',
    disks: [{ pool: f.diskPool, sizeGiB: f.diskSizeGiB, format: 'qcow2' }],
    cdrom: f.cdrom,
    network: f.network,
    bridge: f.bridge,
    bootOrder: f.cdrom ? 'cdrom,hd' : 'hd',
    autostart: false,
    cpu: '',
  };
}

/**
 * Everything the form must get right before Create: pools and a host chosen, then the host
 * wizard's checks against the chosen host's view of the pools (running, free space).
 */
export function validateHubVm(
  f: HubVmForm,
  ctx: { readonly hostPools: readonly HostPoolStatus[]; readonly isos: readonly IsoOption[] },
): Errors {
  const e: Errors = {};
  if (f.pools.length === 0) e.pools = 'Choose at least one shared pool.';
  if (!f.hostId) e.hostId = 'Choose a host.';
  if (f.diskPool && !f.pools.includes(f.diskPool))
    e['disk-0-pool'] = 'The disk goes in one of the chosen pools.';
  const form = asWizardForm(f);
  const named = ctx.hostPools.filter((p) => f.pools.includes(p.name));
  // A host reports its pools in its status; a pool applied a moment ago may not be named there
  // yet. Placement then goes by the assignment (the hub offered this host), and so does the form:
  // such a pool is taken as running, its free space left to the host's own check on create.
  const unreported: HostPoolStatus[] = f.pools
    .filter((name) => !named.some((p) => p.name === name))
    .map((name) => ({ name, state: 'running', capacity: Infinity, available: Infinity }));
  const pools = [...named, ...unreported];
  return {
    ...validateBasics(form, { vmNames: [] }),
    ...validateDisks(form, { pools }),
    ...validateCdrom(form, { isos: ctx.isos }),
    ...validateNetwork(form),
    ...validateBoot(form),
    ...e,
  };
}

export function toHubVmRequest(f: HubVmForm): HubVmCreateRequest {
  return { hostId: f.hostId, vm: toCreateRequest(asWizardForm(f)) };
}
