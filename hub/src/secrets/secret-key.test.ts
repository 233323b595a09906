import assert from 'node:assert/strict';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { tempRoot } from '@quantix/shared/server/testing';
import { ensureSecretKey, SECRET_KEY_FILE } from './secret-key.ts';

const root = tempRoot('qx-secret-key-');
const mode = async (file: string) => (await stat(file)).mode & 0o777;

describe('the hub secret key', () => {
  it('is made at first start: 32 random bytes, mode 0600, and the same key afterwards', async () => {
    const dataDir = await root.fresh();
    const key = await ensureSecretKey({ dataDir, sealedSecretsExist: false });
    assert.equal(key.length, 32);
    const file = join(dataDir, SECRET_KEY_FILE);
    assert.equal(await mode(file), 0o600);
    assert.equal(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64').length, 32);
    assert.deepEqual(await ensureSecretKey({ dataDir, sealedSecretsExist: true }), key);
    const other = await ensureSecretKey({ dataDir: await root.fresh(), sealedSecretsExist: false });
    assert.notDeepEqual(other, key);
  });

  it('puts a loosened mode back to 0600', async () => {
    const dataDir = await root.fresh();
    await ensureSecretKey({ dataDir, sealedSecretsExist: false });
    const { chmod } = await import('node:fs/promises');
    await chmod(join(dataDir, SECRET_KEY_FILE), 0o644);
    await ensureSecretKey({ dataDir, sealedSecretsExist: true });
    assert.equal(await mode(join(dataDir, SECRET_KEY_FILE)), 0o600);
  });

  it('restores a damaged key from its .bak', async () => {
    const dataDir = await root.fresh();
    const key = await ensureSecretKey({ dataDir, sealedSecretsExist: false });
    const file = join(dataDir, SECRET_KEY_FILE);
    await writeFile(file, 'garbage\n');
    assert.deepEqual(await ensureSecretKey({ dataDir, sealedSecretsExist: true }), key);
    assert.equal((await readFile(file, 'utf8')).trim(), key.toString('base64'));
  });

  it('refuses to start rather than make a new key that opens none of the sealed credentials', async () => {
    const dataDir = await root.fresh();
    await ensureSecretKey({ dataDir, sealedSecretsExist: false });
    const file = join(dataDir, SECRET_KEY_FILE);
    await rm(file);
    await rm(`${file}.bak`);
    await assert.rejects(
      ensureSecretKey({ dataDir, sealedSecretsExist: true }),
      (err: unknown) =>
        err instanceof AppError && err.code === 'STATE_CORRUPT' && /missing/.test(err.message),
    );
    await writeFile(file, 'short\n');
    await assert.rejects(
      ensureSecretKey({ dataDir, sealedSecretsExist: false }),
      (err: unknown) =>
        err instanceof AppError && err.code === 'STATE_CORRUPT' && /damaged/.test(err.message),
    );
  });
});
