import type { TLSSocket } from 'node:tls';
import {
  AppError,
  LINK_EKM_BYTES,
  LINK_EKM_LABEL,
  LinkAuth,
  type LinkRefusal,
  type StoredHubHost,
} from '@quantix/shared';
import { verifyKeyingMaterial } from '@quantix/shared/server';
import type { EnrollmentService } from '../enrollment/enrollment.service.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

export type LinkAuthDecision =
  | { ok: true; host: StoredHubHost; auth: LinkAuth; enrolled: boolean }
  | {
      ok: false;
      refusal: LinkRefusal;
      /** another key claimed a known host: the host is marked cert-changed with this reason */
      certChanged?: { hostId: string; hostname: string; reason: string };
    };

const refuse = (code: LinkRefusal['code'], message: string): LinkAuthDecision => ({
  ok: false,
  refusal: { code, message },
});

export interface LinkAuthDeps {
  store: HubStore;
  enrollments: EnrollmentService;
  /** seals an enrolling host's credential for hub.json */
  box: Pick<SecretBox, 'seal'>;
  /** hosts the hub removed since it started: told `removed` rather than `unknown-host` */
  removed: (hostId: string) => boolean;
  now: () => number;
}

/**
 * Who is on the other end of a link handshake. The host signed this very TLS connection's exported
 * keying material with the key of the certificate it sends: that proves it holds the key here and
 * now (a relay cannot pass it on: it has two connections with two different values). The
 * certificate's SPKI must then be the one the hub pinned for that host id. A self-enrolling host
 * presents its `qxh1.` id and secret instead, and is added with the SPKI it just proved.
 */
export async function checkLinkAuth(
  deps: LinkAuthDeps,
  tls: TLSSocket,
  raw: unknown,
): Promise<LinkAuthDecision> {
  const parsed = LinkAuth.safeParse(raw);
  if (!parsed.success)
    return refuse('invalid', `malformed link handshake: ${parsed.error.issues[0]?.message}`);
  const auth = parsed.data;
  const proof = verifyKeyingMaterial(tls, auth.certificate, auth.signature, {
    label: LINK_EKM_LABEL,
    bytes: LINK_EKM_BYTES,
  });
  if (!proof.ok) {
    if (proof.reason === 'bad-signature')
      return refuse(
        'bad-signature',
        'the signature over this connection does not verify with that certificate',
      );
    if (proof.reason === 'not-tls13') return refuse('invalid', 'the link needs TLS 1.3');
    return refuse('invalid', 'the certificate cannot be read');
  }
  if (auth.enroll) return enroll(deps, auth, proof.spki);

  const host = await deps.store.getHost(auth.hostId);
  if (!host) {
    return deps.removed(auth.hostId)
      ? refuse('removed', 'the hub removed this host')
      : refuse('unknown-host', `no host ${auth.hostId} on this hub`);
  }
  if (host.revokedAt)
    return refuse('revoked', `this host revoked the hub at ${host.revokedAt}; adopt it again to reconnect`);
  if (proof.spki !== host.spki) {
    const reason = `a peer proved another key (${proof.spki}) for this host's id; the hub pinned ${host.spki}`;
    return {
      ok: false,
      refusal: {
        code: 'cert-changed',
        message: `this certificate is not the one the hub pinned for ${host.hostname}`,
      },
      certChanged: { hostId: host.hostId, hostname: host.hostname, reason },
    };
  }
  return { ok: true, host, auth, enrolled: false };
}

async function enroll(deps: LinkAuthDeps, auth: LinkAuth, spki: string): Promise<LinkAuthDecision> {
  const e = auth.enroll;
  if (!e) return refuse('invalid', 'not an enrolment');
  const at = new Date(deps.now()).toISOString();
  const record: StoredHubHost = {
    hostId: auth.hostId,
    hostname: auth.hostname,
    url: e.url,
    spki,
    version: auth.version,
    via: 'enrollment',
    adoptedAt: at,
    credential: deps.box.seal(e.credential, auth.hostId),
    inventory: e.inventory,
    maintenance: false,
    revokedAt: null,
    lastSeenAt: at,
  };
  try {
    const existing = await deps.store.getHost(auth.hostId);
    if (existing) {
      // the same host joining again (it lost its record of the hub, or had revoked it): the string
      // must still be good, but it is not used up a second time by the same machine
      const stored = (await deps.store.listEnrollments()).find((x) => x.id === e.id);
      if (!stored) throw new AppError('ENROLLMENT_INVALID', 'unknown enrollment string');
      deps.enrollments.check(e.secret, { ignoreUses: true })(stored);
      if (existing.spki !== spki) {
        return refuse(
          'enrollment-invalid',
          `a host with this id (${existing.hostname}) is on the hub with another certificate; remove it there first`,
        );
      }
      const host = await deps.store.replaceHost(existing.hostId, {
        ...record,
        adoptedAt: existing.adoptedAt,
      });
      return { ok: true, host, auth, enrolled: true };
    }
    await deps.store.enrollHost(e.id, deps.enrollments.check(e.secret), record);
    return { ok: true, host: record, auth, enrolled: true };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === 'ENROLLMENT_EXPIRED') return refuse('enrollment-expired', err.message);
    if (err.code === 'ENROLLMENT_INVALID' || err.code === 'HOST_ALREADY_REGISTERED')
      return refuse('enrollment-invalid', err.message);
    throw err;
  }
}
