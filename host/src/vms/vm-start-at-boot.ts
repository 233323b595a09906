import type { VmMetadata } from '@quantix/shared';
import type { Hypervisor } from '../hypervisor/hypervisor.ts';
import type { VmMetadataWriter } from './vm-metadata.ts';

/**
 * "Start at boot" has two mechanisms, like Proxmox VE's "Start at boot" with and without a start
 * order: a VM without an order keeps libvirt's autostart flag (libvirtd starts it when it starts),
 * a VM with an order is started by the host, once per machine boot, in order (vm-boot-order.ts).
 * Its libvirt flag is then off, or libvirtd would start it unordered first, and `startAtBoot` in
 * our metadata says that it starts at boot.
 */
export type AutostartBy = 'libvirt' | 'host' | null;

/** What starts the VM at boot, from libvirt's flag and our metadata. */
export function autostartBy(libvirtAutostart: boolean, meta: VmMetadata): AutostartBy {
  if (libvirtAutostart) return 'libvirt';
  // a template is never started by the host
  if (meta.startAtBoot && meta.startOrder !== undefined && !meta.template) return 'host';
  return null;
}

/** What the API calls `autostart`: the VM starts at boot, whichever mechanism starts it. */
export const startsAtBoot = (libvirtAutostart: boolean, meta: VmMetadata): boolean =>
  autostartBy(libvirtAutostart, meta) !== null;

export interface StartAtBootState {
  /** libvirt's autostart flag */
  libvirt: boolean;
  meta: VmMetadata;
}

export interface StartAtBootChange {
  enabled?: boolean;
  /** null: no order (libvirt's autostart) */
  order?: number | null;
  delaySeconds?: number;
}

/** The flag and metadata that give the wanted start at boot; what is not given stays as it is. */
export function planStartAtBoot(current: StartAtBootState, want: StartAtBootChange): StartAtBootState {
  const enabled = want.enabled ?? startsAtBoot(current.libvirt, current.meta);
  const order = want.order === undefined ? current.meta.startOrder : (want.order ?? undefined);
  const { startOrder: _o, startAtBoot: _s, ...meta } = current.meta;
  const next: VmMetadata = { ...meta };
  if (order !== undefined) next.startOrder = order;
  if (want.delaySeconds !== undefined) next.startDelaySeconds = want.delaySeconds;
  const byHost = enabled && order !== undefined;
  if (byHost) next.startAtBoot = true;
  return { libvirt: enabled && !byHost, meta: next };
}

/**
 * Applies a change of start at boot to a VM: the metadata first (through the one writer, so a
 * concurrent tag edit is not lost), then libvirt's flag when it has to change.
 */
export async function applyStartAtBoot(
  deps: { hv: () => Hypervisor; metadata: VmMetadataWriter },
  uuid: string,
  want: StartAtBootChange,
): Promise<StartAtBootState & { by: AutostartBy }> {
  const info = await deps.hv().domain(uuid);
  let planned: StartAtBootState = { libvirt: info.autostart, meta: { tags: [], template: false } };
  await deps.metadata.update(uuid, (meta) => {
    planned = planStartAtBoot({ libvirt: info.autostart, meta }, want);
    return planned.meta;
  });
  if (planned.libvirt !== info.autostart) await deps.hv().setDomainAutostart(uuid, planned.libvirt);
  return { ...planned, by: autostartBy(planned.libvirt, planned.meta) };
}
