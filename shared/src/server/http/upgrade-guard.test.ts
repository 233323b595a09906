import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { AllowedHosts } from './allowed-hosts.ts';
import { guardUpgrades, refuseUpgrade } from './upgrade-guard.ts';

const allowedHosts: AllowedHosts = { allows: (h) => h === 'good.test' };

interface Answer {
  status: number;
  text: string;
  /** the server closed the connection (we never do, except on timeout) */
  closedByServer: boolean;
}

/** Sends an upgrade request; resolves once the server has closed the socket, or after 5 s. */
function upgrade(
  port: number,
  path: string,
  host = 'good.test',
): { socket: Socket; answer: Promise<Answer> } {
  const socket = connect({ host: '127.0.0.1', port });
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  const answer = new Promise<Answer>((resolve) => {
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ status: Number(text.split(' ')[1] ?? 0), text, closedByServer: false });
    }, 5000);
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ status: Number(text.split(' ')[1] ?? 0), text, closedByServer: true });
    });
  });
  return { socket, answer };
}

describe('upgrade guard', () => {
  let server: Server;
  let port: number;
  /** sockets handed on; an owner that answers `/socket.io/answered` and `/other/answered`, never the rest */
  const handedOn: Duplex[] = [];
  before(async () => {
    server = createServer();
    guardUpgrades({
      server,
      allowedHosts,
      maxPendingPerAddress: 4,
      answerWithinMs: 400,
      otherPaths: [/^\/other\/[a-z]+$/],
      passTo: [
        (req: IncomingMessage, socket: Duplex) => {
          handedOn.push(socket);
          if (req.url?.startsWith('/socket.io/answered') || req.url?.startsWith('/other/answered'))
            socket.write('HTTP/1.1 101 Switching Protocols\r\n\r\n');
        },
      ],
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    // upgraded sockets are not the HTTP server's to close: the owner (here, the test) closes them
    for (const s of handedOn) s.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('answers an upgrade to a path nobody owns with a JSON 404 and closes it', async () => {
    for (const path of ['/', '/x', '/api/v1/vms/nope/console', '/socket.io', '/api/v1/vms']) {
      const a = await upgrade(port, path).answer;
      assert.equal(a.status, 404, path);
      assert.match(a.text, /"code":"NOT_FOUND"/);
      assert.ok(a.closedByServer, path);
    }
  });

  it('hands on an upgrade to one of the other paths it is given, matched without the query', async () => {
    const before = handedOn.length;
    const o = upgrade(port, '/other/answered?x=1');
    const first = await new Promise<string>((r) => o.socket.once('data', (c: Buffer) => r(c.toString())));
    assert.match(first, /^HTTP\/1\.1 101/);
    assert.equal(handedOn.length, before + 1);
    o.socket.destroy();
    for (const path of ['/other/Answered', '/other/answered/x', '/other']) {
      const a = await upgrade(port, path).answer;
      assert.equal(a.status, 404, path);
    }
  });

  it('answers a Host the host does not answer to with 421 and closes it, whatever the path', async () => {
    for (const path of ['/socket.io/?EIO=4&transport=websocket', '/elsewhere']) {
      const a = await upgrade(port, path, 'evil.example').answer;
      assert.equal(a.status, 421);
      assert.match(a.text, /"code":"HOST_NOT_ALLOWED"/);
      assert.ok(a.closedByServer);
    }
  });

  it('bounds unanswered handshakes per address, and closes those not answered in time', async () => {
    const before = handedOn.length;
    const waiting = Array.from({ length: 4 }, () => upgrade(port, '/socket.io/?hang'));
    // handed on in order: wait until all four are with the owner before the fifth
    for (let i = 0; i < 3000 && handedOn.length < before + 4; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(handedOn.length, before + 4);
    const fifth = await upgrade(port, '/socket.io/?hang').answer;
    assert.equal(fifth.status, 429);
    assert.equal(/Retry-After: (\d+)/.exec(fifth.text)?.[1], '1');
    assert.ok(fifth.closedByServer);
    for (const w of waiting) {
      const a = await w.answer;
      assert.ok(a.closedByServer, 'an unanswered handshake is closed by the server');
      assert.equal(a.text, '');
    }
  });

  it('does not count handshakes that were answered', async () => {
    const open = Array.from({ length: 6 }, () => upgrade(port, '/socket.io/answered'));
    for (const o of open) {
      const first = await new Promise<string>((r) => o.socket.once('data', (c: Buffer) => r(c.toString())));
      assert.match(first, /^HTTP\/1\.1 101/);
    }
    for (const o of open) o.socket.destroy();
  });

  it('refuseUpgrade answers once, whatever calls it after', async () => {
    const s = createServer();
    s.on('upgrade', (_req, socket: Duplex) => {
      refuseUpgrade(socket, 'FORBIDDEN', 'first');
      refuseUpgrade(socket, 'NOT_FOUND', 'second');
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const a = await upgrade((s.address() as AddressInfo).port, '/').answer;
    assert.equal(a.status, 403);
    assert.ok(!a.text.includes('second'));
    assert.ok(a.closedByServer);
    await new Promise((r) => s.close(r));
  });
});
