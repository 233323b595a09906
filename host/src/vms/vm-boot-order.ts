import type { VmMetadata } from '@quantix/shared';
import { autostartBy } from './vm-start-at-boot.ts';

/** A VM as the ordered start at boot sees it. */
export interface BootCandidate {
  uuid: string;
  name: string;
  persistent: boolean;
  libvirtAutostart: boolean;
  meta: VmMetadata;
}

export interface BootStart {
  uuid: string;
  name: string;
  order: number;
  delaySeconds: number;
}

export type BootStartOutcome =
  | { vm: BootStart; outcome: 'started' }
  /** already running (started by hand, or by libvirt before its flag was cleared): no delay */
  | { vm: BootStart; outcome: 'running' }
  | { vm: BootStart; outcome: 'failed'; error: Error };

/** The VMs the host starts at boot, in their order: lower first, equal orders by name. */
export function bootStartOrder(vms: BootCandidate[]): BootStart[] {
  return vms
    .filter((v) => v.persistent && autostartBy(v.libvirtAutostart, v.meta) === 'host')
    .map((v) => ({
      uuid: v.uuid,
      name: v.name,
      order: v.meta.startOrder ?? 0,
      delaySeconds: v.meta.startDelaySeconds ?? 0,
    }))
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

export interface BootRunDeps {
  /** starts the VM; rejects when it does not start */
  start(vm: BootStart): Promise<void>;
  isActive(uuid: string): boolean;
  sleep(ms: number): Promise<void>;
  /** each VM's outcome as soon as it is known */
  report(o: BootStartOutcome): void;
  /** true once the host is stopping: nothing more is started */
  stopped(): boolean;
}

/**
 * Starts the VMs one after the other and waits each started VM's delay before the next (as
 * Proxmox VE does: the delay is the time the VM gets to come up). A VM that fails to start is
 * reported and the next one starts at once; the last VM's delay is not waited.
 */
export async function runBootStarts(list: BootStart[], deps: BootRunDeps): Promise<BootStartOutcome[]> {
  const out: BootStartOutcome[] = [];
  for (const [i, vm] of list.entries()) {
    if (deps.stopped()) break;
    let o: BootStartOutcome;
    if (deps.isActive(vm.uuid)) o = { vm, outcome: 'running' };
    else {
      try {
        await deps.start(vm);
        o = { vm, outcome: 'started' };
      } catch (err) {
        o = { vm, outcome: 'failed', error: err instanceof Error ? err : new Error(String(err)) };
      }
    }
    out.push(o);
    deps.report(o);
    if (o.outcome === 'started' && vm.delaySeconds > 0 && i < list.length - 1) {
      await deps.sleep(vm.delaySeconds * 1000);
    }
  }
  return out;
}
