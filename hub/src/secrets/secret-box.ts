import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '@quantix/shared';
import { SECRET_KEY_BYTES } from './secret-key.ts';

const PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Seals secrets at rest: AES-256-GCM, a fresh 96-bit IV per seal. */
export interface SecretBox {
  /**
   * `sealed:v1:<iv>.<ciphertext>.<tag>` (base64url). `context` is authenticated, not stored: a
   * sealed value opens only for the same context (the host it belongs to), so one host's record
   * cannot be given another's credential by editing hub.json.
   */
  seal(plaintext: string, context: string): string;
  /** `STATE_CORRUPT` when the value is not sealed, was changed, or belongs to another context */
  open(sealed: string, context: string): string;
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== SECRET_KEY_BYTES) throw new Error(`the sealing key must be ${SECRET_KEY_BYTES} bytes`);
  const aad = (context: string) => Buffer.from(`quantix-hub-seal-v1\n${context}`, 'utf8');
  const damaged = (why: string) => new AppError('STATE_CORRUPT', `a sealed secret cannot be opened: ${why}`);
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url'));
      return `${PREFIX}${parts.join('.')}`;
    },
    open(sealed, context) {
      if (!isSealed(sealed)) throw damaged('not a sealed:v1 value');
      const parts = sealed.slice(PREFIX.length).split('.');
      if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) throw damaged('malformed');
      const [iv, body, tag] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw damaged('malformed');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(context));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        throw damaged('wrong key, changed, or sealed for another host');
      }
    },
  };
}
