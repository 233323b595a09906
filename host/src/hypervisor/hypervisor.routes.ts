import type { HypervisorStatus } from '@quantix/shared';
import { Router } from 'express';
import type { HostIo, HostSocket } from '../socket/host-io.ts';
import type { CpuProbe } from '../vms/cpu-probe.ts';
import type { HypervisorMonitor } from './hypervisor-monitor.ts';

export function publicStatus(monitor: HypervisorMonitor): HypervisorStatus {
  const s = monitor.status();
  return { ...s, testDriver: s.uri.startsWith('test:') };
}

export function hypervisorRoutes(deps: { monitor: HypervisorMonitor; cpu: CpuProbe }): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.json(publicStatus(deps.monitor));
  });
  r.get('/cpu', async (_req, res) => {
    res.json(await deps.cpu.capabilities());
  });
  return r;
}

/** Every socket learns the status on connect and on every change. */
export function attachHypervisorSocket(deps: { io: HostIo; monitor: HypervisorMonitor }): () => void {
  const { io, monitor } = deps;
  io.on('connection', (socket: HostSocket) => {
    socket.emit('hypervisor:status', publicStatus(monitor));
  });
  return monitor.onChange(() => io.emit('hypervisor:status', publicStatus(monitor)));
}
