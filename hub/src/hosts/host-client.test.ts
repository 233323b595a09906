import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { ensureCertificate, type HostCertificate } from '@quantix/shared/server';
import { tempRoot } from '@quantix/shared/server/testing';
import { z } from 'zod';
import { createHostClient, fixedLookup } from './host-client.ts';
import type { HostTarget } from './host-target.ts';

const root = tempRoot('qx-host-client-');

describe('fixedLookup', () => {
  const addresses: HostTarget['addresses'] = [
    { address: '192.0.2.10', family: 4 },
    { address: '2001:db8::10', family: 6 },
  ];
  const ask = (options: { all?: boolean; family?: number }) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>(
      (resolve) =>
        fixedLookup(addresses)('host.example', options, (err, address, family) =>
          resolve({ err, address, ...(family === undefined ? {} : { family }) }),
        ),
    );

  it('answers the checked addresses, never the resolver', async () => {
    assert.deepEqual((await ask({ all: true })).address, addresses);
    assert.deepEqual(await ask({}), { err: null, address: '192.0.2.10', family: 4 });
    assert.deepEqual((await ask({ all: true, family: 6 })).address, [addresses[1]]);
  });

  it('answers ENOTFOUND for a family it has no address of', async () => {
    const r = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      fixedLookup([{ address: '192.0.2.10', family: 4 }])('h', { family: 6 }, (err) => resolve(err)),
    );
    assert.equal(r?.code, 'ENOTFOUND');
  });
});

describe('host client', () => {
  let cert: HostCertificate;
  let server: Server;
  let port: number;
  const seen: { authorization: string | undefined; host: string | undefined }[] = [];
  let connections = 0;

  before(async () => {
    cert = await ensureCertificate({
      dir: await root.fresh(),
      hostname: 'peer',
      organization: 'Quantix test',
      addresses: [],
    });
    server = createHttpsServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      seen.push({ authorization: req.headers.authorization, host: req.headers.host });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  // a name no resolver knows: reaching the peer proves the client used the checked addresses
  const target = (): HostTarget => ({
    origin: `https://qx-peer.invalid:${port}`,
    hostname: 'qx-peer.invalid',
    port,
    join: null,
    addresses: [{ address: '127.0.0.1', family: 4 }],
  });
  const Ok = z.object({ ok: z.literal(true) });
  const call = { phase: 'ping' as const, method: 'GET' as const, path: '/ping', schema: Ok, what: 'answer' };

  it('connects by name to the checked address only, unpinned and then pinned', async () => {
    const client = createHostClient({ target: target(), timeoutMs: 2000, userAgent: 'test' });
    try {
      const open = await client.call(call);
      assert.deepEqual(open, { data: { ok: true }, spki: cert.spki }, 'the key of that connection');
      client.pin(cert.spki);
      const pinned = await client.call({ ...call, phase: 'token', bearer: 'abcdef.0123456789abcdef' });
      assert.deepEqual(pinned.data, { ok: true });
      assert.equal(seen.at(-1)?.authorization, 'Bearer abcdef.0123456789abcdef');
      assert.equal(seen.at(-1)?.host, `qx-peer.invalid:${port}`);
    } finally {
      client.close();
    }
  });

  it('never sends a token before the key is pinned', async () => {
    const before = connections;
    const client = createHostClient({ target: target(), timeoutMs: 2000, userAgent: 'test' });
    await assert.rejects(
      client.call({ ...call, phase: 'token', bearer: 'abcdef.0123456789abcdef' }),
      /pinned/,
    );
    assert.equal(connections, before, 'not even a connection');
  });

  it('a pinned call to another key is HOST_IDENTITY_MISMATCH, nothing written', async () => {
    const client = createHostClient({ target: target(), timeoutMs: 2000, userAgent: 'test' });
    const requests = seen.length;
    client.pin(`sha256:${'00'.repeat(32)}`);
    try {
      await assert.rejects(client.call(call), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.code, 'HOST_IDENTITY_MISMATCH');
        assert.equal(err.details?.phase, 'identity');
        assert.equal(err.details?.hostUrl, `https://qx-peer.invalid:${port}`);
        return true;
      });
      assert.equal(seen.length, requests);
    } finally {
      client.close();
    }
  });

  it('an answer of another shape is the phase’s error', async () => {
    const client = createHostClient({ target: target(), timeoutMs: 2000, userAgent: 'test' });
    const Other = z.object({ other: z.string() });
    await assert.rejects(client.call({ ...call, schema: Other }), { code: 'HOST_FIRMWARE_OUTDATED' });
    await assert.rejects(client.call({ ...call, phase: 'identity', schema: Other }), {
      code: 'INVALID_RESPONSE',
    });
  });
});
