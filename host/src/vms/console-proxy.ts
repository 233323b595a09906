import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { AppError } from '@quantix/shared';
import { type AllowedHosts, type Logger, refuseUpgrade, type SessionStore } from '@quantix/shared/server';
import { type WebSocket, WebSocketServer } from 'ws';
import { attachSessionWebSockets, type SessionUpgrade, type TrackSocket } from './session-websockets.ts';
import type { VmService } from './vm.service.ts';

/** The console's WebSocket path, a VM's UUID in it; given to the upgrade guard (createIo) as owned. */
export const CONSOLE_PATH = /^\/api\/v1\/vms\/([0-9a-fA-F-]{36})\/console$/;

/**
 * The browser console: a WebSocket on the host's own HTTPS server that carries a VM's VNC
 * stream (noVNC speaks RFB over it). QEMU's VNC listens on 127.0.0.1 only; this proxy is the one
 * way in, and only for a live session from our own origin. Sockets close when the session ends.
 * Every refusal is answered and the socket closed: an upgrade socket has no HTTP response that
 * would ever close it.
 */
export function attachConsoleProxy(deps: {
  server: Server;
  sessions: SessionStore;
  vms: VmService;
  log: Logger;
  allowedHosts: AllowedHosts;
}): () => void {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });

  const accept = ({ req, socket, head, id: uuid, session }: SessionUpgrade, track: TrackSocket) => {
    void deps.vms.detail(uuid).then(
      (vm) => {
        // the session may have ended while the VM was looked up
        if (!deps.sessions.touch(session.id)) return refuseUpgrade(socket, 'UNAUTHENTICATED', 'log in first');
        const vnc = vm.graphics.find((g) => g.type === 'vnc' && g.port);
        if (vm.state !== 'running' && vm.state !== 'paused')
          return refuseUpgrade(socket, 'VM_STATE_INVALID', 'the VM is not running');
        if (!vnc?.port) return refuseUpgrade(socket, 'VM_STATE_INVALID', 'the VM has no VNC display');
        // Only ever to this host's loopback: a VM defined elsewhere with VNC on another address must
        // not turn the proxy into a relay to it. Listening on all addresses includes loopback.
        const listen = vnc.listen ?? '127.0.0.1';
        const host = listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen;
        if (!/^127\.|^::1$/.test(host))
          return refuseUpgrade(socket, 'VM_STATE_INVALID', 'the VNC display of this VM is not on loopback');
        // the guard may have closed a handshake that waited too long
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) =>
          bridge(ws, track(session.id, ws), host, vnc.port ?? 0, vm.name),
        );
      },
      // the lookup's own code: VM_NOT_FOUND, or HYPERVISOR_UNAVAILABLE when libvirt is down
      (err: unknown) => {
        if (!(err instanceof AppError)) deps.log.error({ err, vm: uuid }, 'console: VM lookup failed');
        const e =
          err instanceof AppError ? err : new AppError('INTERNAL', 'internal error; see the host log');
        refuseUpgrade(socket, e.code, e.message);
      },
    );
  };

  const bridge = (ws: WebSocket, untrack: () => void, host: string, port: number, name: string) => {
    const tcp: Socket = connect({ host, port });
    const close = () => {
      tcp.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
      untrack();
    };
    tcp.on('data', (chunk) => {
      ws.send(chunk, { binary: true });
      // back-pressure: stop reading from VNC while the browser is behind
      if (ws.bufferedAmount > 4 * 1024 * 1024) {
        tcp.pause();
        const resume = setInterval(() => {
          if (ws.bufferedAmount < 1024 * 1024 || ws.readyState !== ws.OPEN) {
            clearInterval(resume);
            tcp.resume();
          }
        }, 20);
      }
    });
    ws.on('message', (data: Buffer) => tcp.write(data));
    tcp.on('error', (err) => {
      deps.log.warn({ err, vm: name }, 'VNC connection failed');
      close();
    });
    tcp.on('close', close);
    ws.on('close', close);
    ws.on('error', close);
    deps.log.info({ vm: name }, 'console opened');
  };

  const { server, sessions, allowedHosts } = deps;
  return attachSessionWebSockets({ server, sessions, allowedHosts, path: CONSOLE_PATH, wss, accept });
}
