import { randomBytes } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@quantix/shared';
import { readFileIfExists, writeFileDurable } from '@quantix/shared/server';

export const SECRET_KEY_FILE = 'secret.key';
export const SECRET_KEY_BYTES = 32;

/** The key as written: base64 on one line (writeFileDurable writes text). */
function decodeKey(text: string | null): Buffer | null {
  if (text === null) return null;
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return null;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === SECRET_KEY_BYTES ? key : null;
}

/**
 * The hub's key for what it keeps secret at rest (the adopted hosts' credentials): 32 random bytes
 * in `<data>/secret.key`, mode 0600, written durably (fsynced, with a `.bak` copy) at first start.
 *
 * A damaged file is read from its `.bak`. A key that is missing while sealed secrets exist refuses
 * the start instead of making a new one: a new key would open none of them, and the hosts would
 * all look adopted while the hub could no longer speak for itself to any of them.
 */
export async function ensureSecretKey(o: { dataDir: string; sealedSecretsExist: boolean }): Promise<Buffer> {
  const file = join(o.dataDir, SECRET_KEY_FILE);
  const text = await readFileIfExists(file);
  const key = decodeKey(text) ?? decodeKey(await readFileIfExists(`${file}.bak`));
  if (key) {
    // written 0600; put right if someone loosened it
    await chmod(file, 0o600).catch(() => undefined);
    if (text === null || decodeKey(text) === null)
      await writeFileDurable(file, `${key.toString('base64')}\n`);
    return key;
  }
  if (text !== null) {
    throw new AppError(
      'STATE_CORRUPT',
      `${file} (and its .bak) is damaged: the sealed host credentials cannot be opened`,
    );
  }
  if (o.sealedSecretsExist) {
    throw new AppError(
      'STATE_CORRUPT',
      `${file} is missing but hub.json holds sealed host credentials; restore it from a backup (or remove and re-add the hosts)`,
    );
  }
  const made = randomBytes(SECRET_KEY_BYTES);
  await writeFileDurable(file, `${made.toString('base64')}\n`, 0o600);
  return made;
}
