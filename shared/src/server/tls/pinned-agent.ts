import { createHash, X509Certificate } from 'node:crypto';
import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';

/** `sha256:<hex>` of a peer certificate's SubjectPublicKeyInfo. */
export function spkiOfCertificate(cert: X509Certificate): string {
  const der = cert.publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

/** The SPKI the peer of a TLS socket presented, or null before the handshake / without a cert. */
export function peerSpki(socket: TLSSocket): string | null {
  // not getPeerX509Certificate(): on Node 20 it answers only once per socket, then undefined
  const raw = socket.getPeerCertificate()?.raw;
  return raw ? spkiOfCertificate(new X509Certificate(raw)) : null;
}

/** Thrown (as the request's error) when the peer's key is not the pinned one. */
export class PinMismatchError extends Error {
  readonly code = 'ERR_QUANTIX_PIN_MISMATCH';
  constructor(
    readonly expected: string,
    readonly actual: string | null,
  ) {
    super(`the peer presented ${actual ?? 'no certificate'}, not the pinned ${expected}`);
    this.name = 'PinMismatchError';
  }
}

export interface PinnedAgentOptions extends AgentOptions {
  /** the SPKI the peer must present */
  spki: string;
  /** told each socket once its peer is verified (e.g. to sign its exported keying material) */
  onVerified?: (socket: TLSSocket) => void;
}

/**
 * An https agent that trusts exactly one public key, whatever the certificate around it (self-
 * signed, renewed, any name). The key is checked when the TLS handshake completes, and only then
 * is the socket handed to the request: no byte of any request is written to another peer. CA
 * validation is off on purpose: the pin is the trust, as in SSH.
 */
export class PinnedAgent extends Agent {
  readonly #spki: string;
  readonly #onVerified: ((socket: TLSSocket) => void) | undefined;

  constructor(opts: PinnedAgentOptions) {
    const { spki, onVerified, ...agentOptions } = opts;
    super(agentOptions);
    this.#spki = spki;
    this.#onVerified = onVerified;
  }

  override createConnection(
    options: RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    const done = callback ?? (() => undefined);
    const socket = connect({ ...(options as ConnectionOptions), rejectUnauthorized: false });
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      done(err, socket);
    };
    socket.once('error', fail);
    // A peer that accepts and never finishes the handshake: no request owns the socket yet, so
    // nothing else would ever end it. `timeout` (agent or request option) bounds the handshake.
    const stalled = () => fail(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' }));
    if (options.timeout) socket.once('timeout', stalled);
    socket.once('secureConnect', () => {
      const actual = peerSpki(socket);
      if (actual !== this.#spki) return fail(new PinMismatchError(this.#spki, actual));
      settled = true;
      socket.off('error', fail);
      socket.off('timeout', stalled);
      this.#onVerified?.(socket);
      done(null, socket);
    });
    return undefined;
  }
}
