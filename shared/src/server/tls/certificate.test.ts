import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { isIPv6, SocketAddress } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CertificateOptions, ensureCertificate, wantedNames } from './certificate.ts';
import { spkiFingerprint } from './spki.ts';

/** ensureCertificate with this suite's organization (the host gives `Quantix host`) */
const ensure = (opts: Omit<CertificateOptions, 'organization'>) =>
  ensureCertificate({ organization: 'Quantix test', ...opts });

const DAY_MS = 86_400_000;
// Whole seconds: X.509 validity has no sub-second precision.
const T0 = new Date('2026-03-01T12:00:00Z');
const at = (days: number) => () => new Date(T0.getTime() + days * DAY_MS);

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'qx-cert-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const freshDir = () => join(root, String(Math.random()).slice(2));

/** SANs as the certificate itself holds them, with IPs normalised independently of the module. */
function rawSans(certPem: string): string[] {
  return (new X509Certificate(certPem).subjectAltName ?? '').split(', ').map((s) => {
    if (!s.startsWith('IP Address:')) return s;
    const ip = s.slice('IP Address:'.length);
    const family = isIPv6(ip) ? 'ipv6' : 'ipv4';
    return `IP:${new SocketAddress({ address: ip, family }).address}`;
  });
}

describe('ensureCertificate', () => {
  it('creates key.pem (0600) and cert.pem on first call: EC P-256, SHA-256, 395 days', async () => {
    const dir = freshDir();
    const c = await ensure({ dir, hostname: 'qx-node1', addresses: ['192.0.2.10'], now: at(0) });

    assert.equal((await stat(join(dir, 'key.pem'))).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    assert.equal(await readFile(join(dir, 'key.pem'), 'utf8'), c.key);
    assert.equal(await readFile(join(dir, 'cert.pem'), 'utf8'), c.cert);

    const x = new X509Certificate(c.cert);
    assert.equal(x.publicKey.asymmetricKeyType, 'ec');
    assert.equal(x.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(x.checkPrivateKey(createPrivateKey(c.key)), 'cert.pem belongs to key.pem');
    assert.ok(x.verify(x.publicKey), 'self-signed');

    const text = execFileSync('openssl', ['x509', '-noout', '-text'], { input: c.cert, encoding: 'utf8' });
    const sigAlgs = text.match(/Signature Algorithm: .*/g) ?? [];
    assert.ok(sigAlgs.length > 0);
    for (const line of sigAlgs) assert.equal(line, 'Signature Algorithm: ecdsa-with-SHA256');

    assert.equal(new Date(x.validTo).getTime() - T0.getTime(), 395 * DAY_MS);
    assert.ok(new Date(x.validFrom) <= T0, 'valid from (slightly before) now');
    assert.equal(c.notAfter.getTime(), new Date(x.validTo).getTime());
    assert.equal(c.notBefore.getTime(), new Date(x.validFrom).getTime());
  });

  it('covers localhost, the hostname, both loopbacks and every given address', async () => {
    const dir = freshDir();
    const c = await ensure({
      dir,
      hostname: 'QX-Node1',
      addresses: ['192.0.2.10', '2001:DB8:0:0::7', 'not-an-ip'],
      now: at(0),
    });
    const expected = [
      'DNS:localhost',
      'DNS:qx-node1',
      'IP:127.0.0.1',
      'IP:::1',
      'IP:192.0.2.10',
      'IP:2001:db8::7',
    ];
    assert.deepEqual([...rawSans(c.cert)].sort(), [...expected].sort());
    assert.deepEqual([...c.subjectAltNames].sort(), [...expected].sort());
    assert.match(new X509Certificate(c.cert).subject, /CN=QX-Node1/);
    assert.match(new X509Certificate(c.cert).subject, /O=Quantix test/);
  });

  it('returns the same certificate unchanged on a second call', async () => {
    const dir = freshDir();
    const opts = { dir, hostname: 'qx-node1', addresses: ['192.0.2.10'] };
    const first = await ensure({ ...opts, now: at(0) });
    const certStat = await stat(join(dir, 'cert.pem'));
    const second = await ensure({ ...opts, now: at(1) });
    assert.equal(second.cert, first.cert);
    assert.equal(second.key, first.key);
    assert.equal(second.spki, first.spki);
    assert.equal((await stat(join(dir, 'cert.pem'))).mtimeMs, certStat.mtimeMs);
    // A spelling variant of an address already covered, or a subset, is still covered.
    const third = await ensure({ ...opts, addresses: ['0:0:0:0:0:0:0:1'], now: at(2) });
    assert.equal(third.cert, first.cert);
  });

  it('keeps the certificate while more than 30 days remain', async () => {
    const dir = freshDir();
    const opts = { dir, hostname: 'qx-node1', addresses: [] };
    const first = await ensure({ ...opts, now: at(0) });
    const later = await ensure({ ...opts, now: at(364) });
    assert.equal(later.cert, first.cert);
  });

  it('renews with the same key (same SPKI) when under 30 days remain', async () => {
    const dir = freshDir();
    const opts = { dir, hostname: 'qx-node1', addresses: ['192.0.2.10'] };
    const first = await ensure({ ...opts, now: at(0) });
    const renewed = await ensure({ ...opts, now: at(370) });

    assert.notEqual(renewed.cert, first.cert);
    assert.equal(renewed.spki, first.spki);
    assert.equal(renewed.key, first.key);
    assert.equal(await readFile(join(dir, 'key.pem'), 'utf8'), first.key);
    assert.equal(await readFile(join(dir, 'cert.pem'), 'utf8'), renewed.cert);
    assert.equal(renewed.notAfter.getTime(), T0.getTime() + (370 + 395) * DAY_MS);
    assert.deepEqual(renewed.subjectAltNames, first.subjectAltNames);
  });

  it('re-issues with the same key when a new address appears', async () => {
    const dir = freshDir();
    const first = await ensure({
      dir,
      hostname: 'qx-node1',
      addresses: ['192.0.2.10'],
      now: at(0),
    });
    const moved = await ensure({
      dir,
      hostname: 'qx-node1',
      addresses: ['192.0.2.10', '198.51.100.4'],
      now: at(1),
    });
    assert.notEqual(moved.cert, first.cert);
    assert.equal(moved.spki, first.spki);
    assert.equal(moved.key, first.key);
    assert.ok(rawSans(moved.cert).includes('IP:198.51.100.4'));
  });

  it('re-issues with the same key when the hostname changes', async () => {
    const dir = freshDir();
    const first = await ensure({ dir, hostname: 'qx-node1', addresses: [], now: at(0) });
    const renamed = await ensure({ dir, hostname: 'qx-node2', addresses: [], now: at(1) });
    assert.equal(renamed.spki, first.spki);
    assert.ok(rawSans(renamed.cert).includes('DNS:qx-node2'));
  });

  it('re-issues a lost cert.pem from the existing key', async () => {
    const dir = freshDir();
    const first = await ensure({ dir, hostname: 'qx-node1', addresses: [], now: at(0) });
    await unlink(join(dir, 'cert.pem'));
    const again = await ensure({ dir, hostname: 'qx-node1', addresses: [], now: at(0) });
    assert.equal(again.spki, first.spki);
    assert.equal(await readFile(join(dir, 'key.pem'), 'utf8'), first.key);
  });

  it('gives different hosts different keys', async () => {
    const a = await ensure({ dir: freshDir(), hostname: 'a', addresses: [], now: at(0) });
    const b = await ensure({ dir: freshDir(), hostname: 'a', addresses: [], now: at(0) });
    assert.notEqual(a.spki, b.spki);
    assert.equal(a.spki, spkiFingerprint(a.cert));
    const der = createPublicKey(a.key).export({ type: 'spki', format: 'der' });
    assert.notDeepEqual(der, createPublicKey(b.key).export({ type: 'spki', format: 'der' }));
  });
});

describe('wantedNames', () => {
  it('lowercases the hostname, drops non-IPs, always adds the loopbacks and normalises IPv6', () => {
    assert.deepEqual(wantedNames('Host.Example', ['eth0', '10.0.0.1', '2001:DB8:0::1', '10.0.0.1']), [
      'DNS:localhost',
      'DNS:host.example',
      'IP:127.0.0.1',
      'IP:::1',
      'IP:10.0.0.1',
      'IP:2001:db8::1',
    ]);
  });

  it('lists an address once whatever its spelling', {}, () => {
    const names = wantedNames('h', ['0::1', '2001:db8::1', '2001:DB8:0:0::1']);
    assert.deepEqual(names, [...new Set(names)]);
  });
});
