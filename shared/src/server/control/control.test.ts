import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:net';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import pino from 'pino';
import { z } from 'zod';
import { controlRequest } from './control-client.ts';
import { startControlServer } from './control-server.ts';

const Request = z.discriminatedUnion('cmd', [
  z.strictObject({ cmd: z.literal('echo'), text: z.string() }),
  z.strictObject({ cmd: z.literal('refuse') }),
  z.strictObject({ cmd: z.literal('crash') }),
]);

const dir = mkdtempSync(join(tmpdir(), 'qx-control-'));
const path = join(dir, 'control.sock');
let server: Server;

before(async () => {
  server = await startControlServer({
    path,
    schema: Request,
    commands: {
      echo: async (req) => ({ said: req.text }),
      refuse: async () => {
        throw new AppError('SETUP_DONE', 'an administrator already exists');
      },
      crash: async () => {
        throw new Error('a bug');
      },
    },
    log: pino({ level: 'silent' }),
  });
});
after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const send = (req: { cmd: string; [field: string]: unknown }) => controlRequest(path, req, 'quantix-test');

/** Writes one raw line and resolves with the raw answer. */
function raw(line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(path);
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(line));
    conn.on('data', (c: string) => (buf += c));
    conn.on('end', () => resolve(buf));
    conn.on('error', reject);
  });
}

describe('control socket', () => {
  it('is mode 0600', () => {
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it("answers a command with its handler's data", async () => {
    assert.deepEqual(await send({ cmd: 'echo', text: 'hi' }), { said: 'hi' });
  });

  it("answers a handler's AppError with its code, and anything else as INTERNAL", async () => {
    await assert.rejects(send({ cmd: 'refuse' }), { name: 'AppError', code: 'SETUP_DONE' });
    await assert.rejects(send({ cmd: 'crash' }), { name: 'AppError', code: 'INTERNAL' });
  });

  it('refuses what the schema does not accept, and what is not JSON', async () => {
    await assert.rejects(send({ cmd: 'unknown' }), { name: 'AppError', code: 'VALIDATION_FAILED' });
    await assert.rejects(send({ cmd: 'echo' }), { name: 'AppError', code: 'VALIDATION_FAILED' });
    assert.deepEqual(JSON.parse(await raw('nope\n')), {
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: 'not JSON' },
    });
  });

  it('names the server it expected when none is running', async () => {
    await assert.rejects(
      controlRequest(join(dir, 'absent.sock'), { cmd: 'echo' }, 'quantix-test'),
      /no quantix-test server is running with this data directory/,
    );
  });
});
