import type { IncomingMessage, Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { SessionStore } from '../auth/sessions.ts';
import { readCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { ownOrigin } from '../http/security.ts';
import type { Logger } from '../logging/logger.ts';
import type { VmService } from './vm.service.ts';

const PATH = /^\/api\/v1\/vms\/([0-9a-fA-F-]{36})\/console$/;

/**
 * The browser console: a WebSocket on the host's own HTTPS server that carries a VM's VNC
 * stream (noVNC speaks RFB over it). QEMU's VNC listens on 127.0.0.1 only; this proxy is the one
 * way in, and only for a live session from our own origin. Sockets close when the session ends.
 */
export function attachConsoleProxy(deps: {
  server: Server;
  sessions: SessionStore;
  vms: VmService;
  log: Logger;
}): () => void {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
  });
  const bySession = new Map<string, Set<WebSocket>>();

  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const m = PATH.exec((req.url ?? '').split('?')[0] ?? '');
    if (!m?.[1]) return; // not ours (socket.io handles its own path)
    socket.on('error', () => socket.destroy()); // a client that resets mid-handshake
    const uuid = m[1];
    if (req.headers.origin !== ownOrigin(req)) return refuse(socket, 403, 'Forbidden');
    const sid = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = sid ? deps.sessions.touch(sid) : null;
    if (!session) return refuse(socket, 401, 'Unauthorized');
    void deps.vms.detail(uuid).then(
      (vm) => {
        // the session may have ended while the VM was looked up
        if (!deps.sessions.touch(session.id)) return refuse(socket, 401, 'Unauthorized');
        const vnc = vm.graphics.find((g) => g.type === 'vnc' && g.port);
        if (vm.state !== 'running' && vm.state !== 'paused') return refuse(socket, 409, 'Conflict');
        if (!vnc?.port) return refuse(socket, 409, 'Conflict');
        // Only ever to this host's loopback: a VM defined elsewhere with VNC on another address must
        // not turn the proxy into a relay to it. Listening on all addresses includes loopback.
        const listen = vnc.listen ?? '127.0.0.1';
        const host = listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen;
        if (!/^127\.|^::1$/.test(host)) return refuse(socket, 409, 'Conflict');
        wss.handleUpgrade(req, socket, head, (ws) => bridge(ws, session.id, host, vnc.port ?? 0, vm.name));
      },
      () => refuse(socket, 404, 'Not Found'),
    );
  };

  const bridge = (ws: WebSocket, sessionId: string, host: string, port: number, name: string) => {
    let set = bySession.get(sessionId);
    if (!set) {
      set = new Set();
      bySession.set(sessionId, set);
    }
    set.add(ws);
    const tcp: Socket = connect({ host, port });
    const close = () => {
      tcp.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
      set?.delete(ws);
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

  deps.server.on('upgrade', onUpgrade);
  const offEnd = deps.sessions.onEnd((s) => {
    for (const ws of bySession.get(s.id) ?? []) ws.close(4001, 'session ended');
    bySession.delete(s.id);
  });
  return () => {
    deps.server.off('upgrade', onUpgrade);
    offEnd();
    for (const c of wss.clients) c.terminate();
  };
}
