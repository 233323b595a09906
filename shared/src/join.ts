import { JOIN_PREFIX, JoinPayload } from './registration.ts';

// Works in Node and browsers alike (the `qxh1.` enrolment string uses them too): btoa/atob on UTF-8 bytes, then base64 -> base64url.
export function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(b64: string): string {
  const bin = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

export function encodeJoin(p: Omit<JoinPayload, 'v'>): string {
  return JOIN_PREFIX + toBase64Url(JSON.stringify({ v: 1, url: p.url, token: p.token, spki: p.spki }));
}

/** Returns null for anything that is not a well-formed join string. */
export function decodeJoin(s: string): JoinPayload | null {
  if (!s.startsWith(JOIN_PREFIX)) return null;
  try {
    const parsed = JoinPayload.safeParse(JSON.parse(fromBase64Url(s.slice(JOIN_PREFIX.length))));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
