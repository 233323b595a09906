import type { Server } from 'node:http';
import { AppError, SerialClientMessage, type SerialServerMessage } from '@quantix/shared';
import { type AllowedHosts, type Logger, refuseUpgrade, type SessionStore } from '@quantix/shared/server';
import { type WebSocket, WebSocketServer } from 'ws';
import { createOutputGate } from './serial-backpressure.ts';
import type { SerialConsoles, SerialViewer } from './serial-consoles.ts';
import { attachSessionWebSockets, type SessionUpgrade, type TrackSocket } from './session-websockets.ts';

/** The serial console's WebSocket path, a VM's UUID in it; given to the upgrade guard as owned. */
export const SERIAL_PATH = /^\/api\/v1\/vms\/([0-9a-fA-F-]{36})\/serial$/;

/**
 * The browser's serial console (xterm.js): a WebSocket on the host's HTTPS server, under the same
 * rules as the VNC console — a live session from our own origin, closed when the session ends.
 * Binary frames carry the terminal's bytes both ways; text frames are JSON control messages
 * (shared/src/serial-console.ts). Every refusal is answered before the socket is closed.
 */
export function attachSerialProxy(deps: {
  server: Server;
  sessions: SessionStore;
  consoles: SerialConsoles;
  log: Logger;
  allowedHosts: AllowedHosts;
}): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  const accept = ({ req, socket, head, id, session }: SessionUpgrade, track: TrackSocket) => {
    const uuid = id.toLowerCase();
    // the WebSocket is accepted only once the port is open, so a refusal is a plain HTTP answer
    let ws: WebSocket | null = null;
    let output: ((chunk: Buffer) => void) | null = null;
    const pending: Buffer[] = [];
    let lastMode: SerialServerMessage | null = null;
    const send = (msg: SerialServerMessage) => ws?.send(JSON.stringify(msg));
    const viewer: SerialViewer = {
      // the backlog replay comes before the socket exists: it is at most 64 KB
      data: (chunk) => (output ? output(chunk) : pending.push(chunk)),
      mode: (mode, message) => {
        lastMode = { type: 'mode', mode, message };
        send(lastMode);
      },
      end: (reason) => {
        send({ type: 'end', reason });
        ws?.close(1000, 'console ended');
      },
    };
    deps.consoles.attach(uuid, viewer).then(
      (attachment) => {
        if (!deps.sessions.touch(session.id) || socket.destroyed) {
          attachment.leave();
          if (!socket.destroyed) refuseUpgrade(socket, 'UNAUTHENTICATED', 'log in first');
          return;
        }
        wss.handleUpgrade(req, socket, head, (client) => {
          ws = client;
          output = createOutputGate(client);
          const untrack = track(session.id, client);
          for (const chunk of pending.splice(0)) output(chunk);
          // the mode was announced before the socket existed: say it now
          if (lastMode) send(lastMode);
          client.on('message', (data: Buffer, isBinary: boolean) => {
            if (isBinary) return attachment.input(data);
            let parsed: unknown;
            try {
              parsed = JSON.parse(data.toString('utf8'));
            } catch {
              return;
            }
            const msg = SerialClientMessage.safeParse(parsed);
            if (msg.success && msg.data.type === 'take-over') attachment.takeOver();
          });
          const done = () => {
            attachment.leave();
            untrack();
          };
          client.on('close', done);
          client.on('error', done);
        });
      },
      (err: unknown) => {
        if (!(err instanceof AppError)) deps.log.warn({ err, vm: uuid }, 'serial console: cannot open');
        const e =
          err instanceof AppError
            ? err
            : new AppError('VM_STATE_INVALID', 'the serial console of this VM cannot be opened');
        refuseUpgrade(socket, e.code, e.message);
      },
    );
  };

  const { server, sessions, allowedHosts } = deps;
  return attachSessionWebSockets({ server, sessions, allowedHosts, path: SERIAL_PATH, wss, accept });
}
