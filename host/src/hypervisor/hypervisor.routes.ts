import type { HypervisorStatus } from '@quantix/shared';
import { Router } from 'express';
import type { HostIo, HostSocket } from '../socket/io.ts';
import type { HypervisorMonitor } from './hypervisor-monitor.ts';

export function publicStatus(monitor: HypervisorMonitor): HypervisorStatus {
  const s = monitor.status();
  return { ...s, testDriver: s.uri.startsWith('test:') };
}

export function hypervisorRoutes(deps: { monitor: HypervisorMonitor }): Router {
  const r = Router();
  r.get('/', (_req, res) => {
    res.json(publicStatus(deps.monitor));
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
