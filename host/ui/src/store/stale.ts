import type { HypervisorStatus } from '@quantix/shared';
import type { AppState } from './app-state.ts';

/**
 * What the UI shows while libvirt is gone. The VM and pool lists it read before stay on screen,
 * marked as not live, but a VM's CPU and memory use is dropped: the last sample would look like a
 * live reading of a guest that may have stopped since.
 */

/** true while libvirt is known to be gone (not while it is merely unknown). */
export const isStale = (hv: HypervisorStatus | null): boolean => hv?.available === false;

/** false → true: what was read before is stale and should be read again. */
export const cameBack = (previous: HypervisorStatus | null, next: HypervisorStatus): boolean =>
  previous?.available === false && next.available;

interface LiveFigures {
  readonly cpuPercent: number | null;
  readonly memoryUsedMiB: number | null;
}

export function withoutLiveFigures<T extends LiveFigures>(vm: T): T {
  return vm.cpuPercent === null && vm.memoryUsedMiB === null
    ? vm
    : { ...vm, cpuPercent: null, memoryUsedMiB: null };
}

function listWithoutLiveFigures<T extends LiveFigures>(list: readonly T[]): readonly T[] {
  const next = list.map(withoutLiveFigures);
  return next.every((vm, i) => vm === list[i]) ? list : next;
}

/** The state with a new hypervisor status; going away drops the VMs' live figures. */
export function withHypervisorStatus(s: AppState, hypervisor: HypervisorStatus): AppState {
  if (!hypervisor.available) {
    const vms = s.vms.data ? listWithoutLiveFigures(s.vms.data) : s.vms.data;
    const vm = s.vm.data ? withoutLiveFigures(s.vm.data) : s.vm.data;
    return {
      ...s,
      hypervisor,
      vms: vms === s.vms.data ? s.vms : { ...s.vms, data: vms },
      vm: vm === s.vm.data ? s.vm : { ...s.vm, data: vm },
    };
  }
  return { ...s, hypervisor };
}

/** A page's own load error, unless it only repeats the banner's "libvirt is gone". */
export function errorBesideBanner<E extends { readonly code: string }>(
  error: E | null,
  hv: HypervisorStatus | null,
): E | null {
  return error && isStale(hv) && error.code === 'HYPERVISOR_UNAVAILABLE' ? null : error;
}
