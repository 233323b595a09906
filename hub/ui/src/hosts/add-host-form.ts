import type { AddHostRequest } from '@quantix/shared';

// shared's AddHostRequest and registration token rules as plain checks (the UI does not bundle
// zod); the hub checks again and answers VALIDATION_FAILED with its own words.

/** A join string (`qx1.…`, which carries the URL, token and key) or a URL with its token. */
export interface AddHostForm {
  readonly mode: 'join' | 'url';
  readonly join: string;
  readonly url: string;
  readonly token: string;
}

export const emptyAddHostForm = (): AddHostForm => ({ mode: 'join', join: '', url: '', token: '' });

const TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

export function validateAddHost(f: AddHostForm): Partial<Record<'join' | 'url' | 'token', string>> {
  if (f.mode === 'join') {
    const join = f.join.trim();
    if (join === '') return { join: 'Paste the join string from the host (Registration page).' };
    if (!join.startsWith('qx1.')) return { join: 'A join string starts with qx1.' };
    if (join.length > 4096) return { join: 'That is longer than any join string.' };
    return {};
  }
  const e: Partial<Record<'url' | 'token', string>> = {};
  const url = f.url.trim();
  if (!/^https:\/\/[^\s/]+\/?$/i.test(url))
    e.url = "The host's https address, e.g. https://kvm1.example.net:8443.";
  if (!TOKEN.test(f.token.trim()))
    e.token = 'A registration token: 6 letters or digits, a dot, then 16 more.';
  return e;
}

export function toAddHostRequest(f: AddHostForm): AddHostRequest {
  return f.mode === 'join'
    ? { target: f.join.trim() }
    : { target: f.url.trim().replace(/\/+$/, ''), token: f.token.trim() };
}

/**
 * Re-pairing a host whose certificate changed: a fresh join string, or just a fresh token for the
 * address the hub already has.
 */
export function toRepairRequest(input: string, hostUrl: string): AddHostRequest | null {
  const text = input.trim();
  if (text.startsWith('qx1.')) return { target: text };
  if (TOKEN.test(text)) return { target: hostUrl, token: text };
  return null;
}
