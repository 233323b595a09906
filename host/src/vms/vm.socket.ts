import type { HostIo, HostSocket } from '../socket/host-io.ts';
import type { VmGuestService } from './vm-guest.ts';
import type { VmInventory } from './vm-inventory.ts';
import type { VmStatsSampler } from './vm-stats-sampler.ts';
import type { VmService } from './vm.service.ts';

const ROOM = 'vms';

/**
 * `vm:changed` goes to every socket as libvirt reports lifecycle events; `vms:stats` (CPU and
 * memory of all VMs, one bulk call per tick) only to sockets that subscribed, and only while any do.
 */
export function attachVmSocket(deps: {
  io: HostIo;
  vms: VmService;
  inventory: VmInventory;
  sampler: VmStatsSampler;
  /** a VM's guest addresses changed (the background refresh): the list gets the VM again */
  guest?: Pick<VmGuestService, 'onAddresses'>;
}): () => void {
  const { io, vms, sampler } = deps;
  const offChange = deps.inventory.onChange((uuid, record, event) => {
    const vm = record ? (vms.list().find((v) => v.uuid === uuid) ?? null) : null;
    io.emit('vm:changed', { uuid, event, vm });
  });
  const offAddresses = deps.guest?.onAddresses((uuid) => {
    const vm = vms.list().find((v) => v.uuid === uuid);
    if (vm) io.emit('vm:changed', { uuid, event: null, vm });
  });
  const offTick = sampler.onTick(() => {
    const list = vms.list();
    io.to(ROOM).emit('vms:stats', {
      t: Date.now(),
      vms: list.map((v) => ({
        uuid: v.uuid,
        state: v.state,
        cpuPercent: v.cpuPercent,
        memoryUsedMiB: v.memoryUsedMiB,
      })),
    });
  });
  io.on('connection', (socket: HostSocket) => {
    let release: (() => void) | null = null;
    const leave = () => {
      release?.();
      release = null;
      void socket.leave(ROOM);
    };
    socket.on('vms:subscribe', (ack) => {
      if (typeof ack !== 'function') return;
      if (!release) release = sampler.watch();
      void socket.join(ROOM);
      ack({ ok: true, data: { vms: vms.list() } });
    });
    socket.on('vms:unsubscribe', (ack) => {
      leave();
      if (typeof ack === 'function') ack({ ok: true, data: null });
    });
    socket.on('disconnect', leave);
  });
  return () => {
    offChange();
    offAddresses?.();
    offTick();
  };
}
