import type { EventLevel } from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { ObjectChange, ObjectEvents } from '../hypervisor/object-events.ts';
import type { VmInventory } from '../vms/vm-inventory.ts';

const VM_WORDS: Record<string, [string, EventLevel]> = {
  defined: ['defined', 'info'],
  undefined: ['removed', 'warning'],
  started: ['started', 'info'],
  suspended: ['paused', 'info'],
  resumed: ['resumed', 'info'],
  stopped: ['stopped', 'info'],
  shutdown: ['shut down', 'info'],
  pmsuspended: ['suspended by the guest', 'info'],
  crashed: ['crashed', 'error'],
};
const OBJECT_WORDS: Record<string, [string, EventLevel]> = {
  defined: ['defined', 'info'],
  undefined: ['removed', 'warning'],
  started: ['started', 'info'],
  stopped: ['stopped', 'warning'],
  created: ['built', 'info'],
  deleted: ['deleted', 'warning'],
};

/**
 * The audit trail of what libvirt reports, whoever caused it (this UI, virsh, a guest shutting
 * itself down, a crash): VM, pool and network lifecycle events, and libvirt going away and coming
 * back. A change made in the UI shows twice, as the admin's request and as libvirt's report, as
 * ESXi lists a task and its event.
 */
export function recordLibvirtAudit(deps: {
  monitor: HypervisorMonitor;
  inventory: VmInventory;
  objects: ObjectEvents;
  events: EventStore;
}): () => void {
  const record = (level: EventLevel, category: 'vm' | 'storage' | 'network' | 'system', message: string) =>
    void deps.events.record({ level, category, message, source: 'libvirt' });

  const vmNames = new Map<string, string>();
  const offVm = deps.inventory.onChange((uuid, r, event) => {
    if (r) vmNames.set(uuid, r.info.name);
    const words = event ? VM_WORDS[event] : undefined;
    const name = r?.info.name ?? vmNames.get(uuid);
    if (!words || !name) return;
    record(words[1], 'vm', `VM "${name}" ${words[0]}`);
    if (!r) vmNames.delete(uuid);
  });
  const object = (category: 'storage' | 'network', what: string) => (c: ObjectChange) => {
    const words = OBJECT_WORDS[c.event];
    if (words && c.name) record(words[1], category, `${what} "${c.name}" ${words[0]}`);
  };
  const offPool = deps.objects.onPool(object('storage', 'Storage pool'));
  const offNet = deps.objects.onNetwork(object('network', 'Network'));

  // an outage and its end, not the first connection at start
  let wasUp: boolean | null = null;
  const offMonitor = deps.monitor.onChange((s) => {
    if (s.available && wasUp === false)
      record('info', 'system', `libvirt is available again (${s.libvirtVersion ?? 'unknown version'})`);
    if (!s.available && wasUp === true)
      record('error', 'system', `libvirt became unavailable: ${s.error ?? 'no answer'}`);
    wasUp = s.available;
  });
  return () => {
    offVm();
    offPool();
    offNet();
    offMonitor();
  };
}
