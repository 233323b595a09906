import type { RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import {
  LINK_EKM_BYTES,
  LINK_EKM_LABEL,
  LINK_PATH,
  type LinkAuth,
  type LinkEnroll,
  type LinkHostToHubEvents,
  type LinkHubToHostEvents,
  LinkRefusal,
  LinkWelcome,
} from '@quantix/shared';
import { type HostCertificate, type Logger, PinnedAgent, signKeyingMaterial } from '@quantix/shared/server';
import { Manager, type Socket } from 'socket.io-client';
import { backoffDelay, redialAfterLoss } from './link-backoff.ts';

export type HostLinkSocket = Socket<LinkHubToHostEvents, LinkHostToHubEvents>;

export interface LinkIdentity {
  hostId: string;
  hostname: string;
  version: string;
  /** read at every dial: a renewed certificate keeps its key, and so the pin */
  cert: () => HostCertificate;
}

export interface HubLink {
  /** dials at once, then keeps the link up (reconnecting with backoff) until stop() */
  start(): void;
  /** closes the link; it is never dialled again */
  stop(): void;
  /** the socket while the link is up and the hub has welcomed it */
  socket(): HostLinkSocket | null;
}

export interface HubLinkHandlers {
  /** the hub accepted the link and said who it is; a throw closes the link */
  established(socket: HostLinkSocket, welcome: LinkWelcome): Promise<void> | void;
  /** an established link went down (it is dialled again) */
  lost(reason: string): void;
  /** the hub refused the handshake, with its reason */
  refused(refusal: LinkRefusal): void;
  /** the hub could not be reached, or the key it presented is not the pinned one */
  failed(err: Error): void;
}

/** The failure of the last connection an agent made (a PinMismatchError says more than "websocket error"). */
class LinkAgent extends PinnedAgent {
  lastError: Error | null = null;
  override createConnection(
    options: RequestOptions,
    cb?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    return super.createConnection(options, (err, stream) => {
      if (err) this.lastError = err;
      cb?.(err, stream);
    });
  }
}

const WELCOME_WITHIN_MS = 10_000;

/**
 * One host's link to one hub: a socket.io connection (WebSocket only) to the hub's LINK_PATH
 * through an agent that trusts the hub's pinned key alone — a TLS peer with another key gets no
 * byte — and that is not kept alive, so every connection is verified and proven anew. The
 * handshake's `auth` is computed per connection: the host's certificate and its signature over
 * that connection's exported keying material. Reconnects with jittered backoff (link-backoff.ts).
 */
export function createHubLink(d: {
  target: { hubUrl: string; hubSpki: string };
  identity: LinkIdentity;
  log: Logger;
  /** a self-enrolment's first handshake (sent until the hub has welcomed the host once) */
  enroll?: LinkEnroll;
  handlers: HubLinkHandlers;
}): HubLink {
  const { log } = d;
  let enroll = d.enroll;
  let stopped = true;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;
  let endCurrent: ((why: string) => void) | null = null;
  let established: HostLinkSocket | null = null;

  /** `afterLoss`: the link was up until now (its first redial is spread wider, see link-backoff.ts) */
  const schedule = (afterLoss = false) => {
    if (stopped || timer) return;
    attempt++;
    timer = setTimeout(
      () => {
        timer = null;
        dial();
      },
      afterLoss ? redialAfterLoss() : backoffDelay(attempt),
    );
  };

  const authFor = (verified: TLSSocket | null): LinkAuth | Record<string, never> => {
    if (!verified) return {}; // cannot happen: the agent hands over only verified sockets
    const cert = d.identity.cert();
    return {
      v: 1,
      hostId: d.identity.hostId,
      hostname: d.identity.hostname,
      version: d.identity.version,
      certificate: cert.cert,
      signature: signKeyingMaterial(verified, cert.key, { label: LINK_EKM_LABEL, bytes: LINK_EKM_BYTES }),
      ...(enroll ? { enroll } : {}),
    };
  };

  function dial(): void {
    if (stopped) return;
    let verified: TLSSocket | null = null;
    const agent = new LinkAgent({
      spki: d.target.hubSpki,
      keepAlive: false,
      minVersion: 'TLSv1.3',
      onVerified: (s) => {
        verified = s;
      },
    });
    const manager = new Manager(d.target.hubUrl, {
      path: LINK_PATH,
      transports: ['websocket'],
      reconnection: false,
      timeout: 10_000,
      autoConnect: false,
      // engine.io-client hands `agent` to ws, which opens the connection through it
      agent: agent as unknown as string,
    });
    const socket: HostLinkSocket = manager.socket('/', {
      auth: (cb) => {
        try {
          cb(authFor(verified));
        } catch (err) {
          log.warn({ err }, 'could not sign the link handshake');
          cb({});
        }
      },
    });
    let done = false;
    const welcomeTimer = setTimeout(() => end('the hub did not welcome the link'), WELCOME_WITHIN_MS);
    const end = (why: string) => {
      if (done) return;
      done = true;
      clearTimeout(welcomeTimer);
      const wasUp = established === socket;
      if (wasUp) established = null;
      if (endCurrent === end) endCurrent = null;
      socket.removeAllListeners();
      socket.disconnect();
      agent.destroy();
      if (wasUp) {
        attempt = 0;
        d.handlers.lost(why);
      }
      schedule(wasUp);
    };
    socket.on('hub:welcome', (raw) => {
      clearTimeout(welcomeTimer);
      const w = LinkWelcome.safeParse(raw);
      if (!w.success) return end('the hub sent an invalid welcome');
      Promise.resolve(d.handlers.established(socket, w.data)).then(
        () => {
          if (done) return;
          enroll = undefined;
          established = socket;
          attempt = 0;
        },
        (err: unknown) => {
          log.warn({ err }, 'could not take the hub link up');
          end('the link could not be set up');
        },
      );
    });
    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      const r = LinkRefusal.safeParse(err.data);
      if (r.success) d.handlers.refused(r.data);
      else d.handlers.failed(agent.lastError ?? err);
      end(err.message);
    });
    socket.on('disconnect', (reason) => end(reason));
    endCurrent = end;
    socket.connect();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      attempt = 0;
      dial();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      endCurrent?.('stopped');
    },
    socket: () => established,
  };
}
