import type { AdoptPhase, ErrorCode } from '@quantix/shared';

// What to do about each way adding (or re-pairing) a host can fail. The hub's message says what
// happened; this says what the admin can do about it. Codes the map does not know get the message
// alone.

export const ADOPT_ADVICE: Partial<Record<ErrorCode, string>> = {
  HOST_CONNECTION_FAILED:
    'Is the host running and the port right? The hub must reach the address in the join string (or the URL you typed) from its own network.',
  CONNECTION_TIMEOUT:
    'The host did not answer in time. Check that it is running and that no firewall drops the traffic between the hub and the host.',
  NETWORK_UNREACHABLE:
    'The hub has no route to that address. Check the address, and that the hub and the host share a network or a router between them.',
  TLS_ERROR:
    "The URL must be the host's https address (https://name-or-address:8443). Another service answered, or it does not speak TLS.",
  INVALID_RESPONSE:
    'Something answered, but not a Quantix host. Check the address and port: a proxy or another service may be in the way.',
  HOST_FIRMWARE_OUTDATED:
    'The host runs a version too old to join a hub. Update the host to the same Quantix version as the hub, then try again.',
  HOST_API_NOT_AVAILABLE:
    'The host is up but its registration API does not answer. Restart the host service (quantix-host) and try again.',
  HOST_IDENTITY_MISMATCH:
    "The host presented a different key than the join string names. Someone may be intercepting the connection; compare the fingerprint on the host's console (and its Registration page) before trying again.",
  TOKEN_EXPIRED:
    'The token has expired. Mint a new token on the host (Registration page or `quantix-host token`) and paste the new join string.',
  TOKEN_INVALID:
    'The host does not know this token (it was used, revoked or mistyped). Mint a new token on the host (Registration page or `quantix-host token`).',
  TOKEN_MISSING:
    'A host URL needs its registration token. Paste the whole join string (qx1.…) instead, or enter the token shown with it.',
  ADDRESS_NOT_ALLOWED:
    'The hub refuses this address (link-local, a cloud metadata address, or loopback). Use the host\u2019s address on the management network.',
  REDIRECT_NOT_ALLOWED:
    'The address answered with a redirect, which the hub does not follow. Enter the host\u2019s own https address and port.',
  HOST_ALREADY_REGISTERED:
    'This host is already in the fleet. Open it from the fleet list; if its certificate changed, use Re-pair there.',
  VALIDATION_FAILED:
    'Check what you pasted: a join string starts with qx1., a URL with https://, and a token looks like abcdef.0123456789abcdef.',
  RATE_LIMITED: 'Too many attempts in a short time. Wait a minute, then try again.',
};

/** The advice for a failed adoption, or null when there is nothing to add to the message. */
export function adoptionAdvice(code: string): string | null {
  return Object.hasOwn(ADOPT_ADVICE, code) ? (ADOPT_ADVICE[code as ErrorCode] ?? null) : null;
}

export const PHASE_LABEL = {
  parse: 'reading what you pasted',
  resolve: 'looking up the address',
  connect: 'connecting to the host',
  ping: 'asking the host who it is',
  identity: "checking the host's key",
  token: 'presenting the token',
  discovery: "reading the host's inventory",
  complete: 'completing the adoption',
} satisfies Record<AdoptPhase, string>;

/** "Failed while connecting to the host" for a known phase, else null. */
export function phaseText(phase: string | undefined): string | null {
  if (!phase || !Object.hasOwn(PHASE_LABEL, phase)) return null;
  return `Failed while ${PHASE_LABEL[phase as AdoptPhase]}.`;
}
