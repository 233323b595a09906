import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileIfExists, writeFileDurable } from '@quantix/shared/server';

/** Seals what the hub must keep but never show: a host's `qxc.` credential in hub.json. */
export interface CredentialSeal {
  seal(plain: string): string;
  /** throws when the text was not sealed with this hub's key */
  open(sealed: string): string;
}

const PREFIX = 'sealed:v1:';

/**
 * AES-256-GCM under a random key kept in its own file (mode 0600) beside hub.json, so a copy of
 * hub.json alone (a backup, a support bundle) does not give the hosts' credentials away. The key
 * is made on first use; without it sealed values cannot be read again.
 */
export async function openCredentialSeal(file: string): Promise<CredentialSeal> {
  const existing = await readFileIfExists(file);
  let key = existing ? Buffer.from(existing.trim(), 'base64url') : null;
  if (key?.length !== 32) {
    if (existing)
      throw new Error(`${file} is not a 32-byte key; restore it or remove the hosts' credentials`);
    key = randomBytes(32);
    await writeFileDurable(file, `${key.toString('base64url')}\n`, 0o600);
  }
  const k = key;
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', k, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `${PREFIX}${[iv, body, c.getAuthTag()].map((b) => b.toString('base64url')).join('.')}`;
    },
    open(sealed) {
      const parts = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split('.') : [];
      const [iv, body, tag] = parts.map((p) => Buffer.from(p, 'base64url'));
      if (parts.length !== 3 || !iv || !body || !tag) throw new Error('not a sealed value');
      const d = createDecipheriv('aes-256-gcm', k, iv);
      d.setAuthTag(tag);
      return Buffer.concat([d.update(body), d.final()]).toString('utf8');
    },
  };
}
