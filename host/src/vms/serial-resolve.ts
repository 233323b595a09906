import { AppError } from '@quantix/shared';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import { serialPtyPath } from './serial-xml.ts';

/** A running VM's serial pty, from its live XML; VM_STATE_INVALID when there is none to open. */
export function createSerialResolver(monitor: HypervisorMonitor) {
  return async (uuid: string): Promise<{ path: string; name: string }> => {
    const h = monitor.get();
    const info = await h.domain(uuid); // VM_NOT_FOUND, HYPERVISOR_UNAVAILABLE
    if (!info.active) throw new AppError('VM_STATE_INVALID', 'the VM is not running');
    const path = serialPtyPath(await h.domainXml(uuid));
    if (!path) throw new AppError('VM_STATE_INVALID', 'the VM has no serial port (a pty) to open');
    return { path, name: info.name };
  };
}
