import { createPublicKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { readFileIfExists, writeFileDurable } from '../state/durable-file.ts';
import { spkiFingerprint } from './spki.ts';

const VALID_DAYS = 395;
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface HostCertificate {
  key: string;
  cert: string;
  spki: string;
  notBefore: Date;
  notAfter: Date;
  subjectAltNames: string[];
}

export interface CertificateOptions {
  dir: string;
  hostname: string;
  /** the subject's organizationName (`Quantix host`) */
  organization: string;
  /** every address of the machine; 127.0.0.1 and ::1 are always added */
  addresses: string[];
  now?: () => Date;
}

/** SAN set the certificate must cover: hostname, localhost, loopback and every host IP. */
export function wantedNames(hostname: string, addresses: string[]): string[] {
  const names = new Set<string>(['localhost', hostname.toLowerCase()]);
  const ips = new Set<string>(
    ['127.0.0.1', '::1', ...addresses]
      .map((a) => a.split('%')[0] ?? a)
      .filter((a) => isIP(a) !== 0)
      .map(normalizeIp),
  );
  return [...[...names].map((n) => `DNS:${n}`), ...[...ips].map((ip) => `IP:${ip}`)];
}

/** One spelling per address, so `::1` and `0:0:0:0:0:0:0:1` compare equal. */
export function normalizeIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip;
}

/**
 * Loads the server's certificate (the host's, the hub's), creating it on first start (EC P-256,
 * SHA-256, 395 days) and re-issuing it with the same key — so the SPKI fingerprint, the server's
 * identity, never changes — when under 30 days remain or when its names/addresses are no longer
 * covered.
 */
export async function ensureCertificate(opts: CertificateOptions): Promise<HostCertificate> {
  const now = opts.now?.() ?? new Date();
  const keyFile = join(opts.dir, 'key.pem');
  const certFile = join(opts.dir, 'cert.pem');
  await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  const wanted = wantedNames(opts.hostname, opts.addresses);
  const key = await readFileIfExists(keyFile);
  const cert = await readFileIfExists(certFile);
  if (key && cert) {
    const current = describe(key, cert);
    const covered = wanted.every((n) => current.subjectAltNames.includes(n));
    if (current.notAfter.getTime() - now.getTime() > RENEW_BEFORE_DAYS * DAY_MS && covered) return current;
  }
  const made = await issue(opts, wanted, now, key);
  // Key first (0600), then the certificate: a crash in between leaves a key whose cert is re-issued.
  if (!key) await writeFileDurable(keyFile, made.private, 0o600);
  await chmod(keyFile, 0o600);
  await writeFileDurable(certFile, made.cert, 0o644);
  return describe(key ?? made.private, made.cert);
}

async function issue(opts: CertificateOptions, names: string[], now: Date, existingKey: string | null) {
  const altNames = names.map((n) =>
    n.startsWith('IP:') ? { type: 7 as const, ip: n.slice(3) } : { type: 2 as const, value: n.slice(4) },
  );
  // Loaded only when a certificate is made: it costs ~70 ms and ~15 MB at start otherwise.
  const { generate } = await import('selfsigned');
  return generate(
    [
      { name: 'commonName', value: opts.hostname },
      { name: 'organizationName', value: opts.organization },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - 5 * 60_000),
      notAfterDate: new Date(now.getTime() + VALID_DAYS * DAY_MS),
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ],
      ...(existingKey
        ? {
            keyPair: {
              privateKey: existingKey,
              publicKey: createPublicKey(existingKey).export({ type: 'spki', format: 'pem' }).toString(),
            },
          }
        : {}),
    },
  );
}

function describe(key: string, cert: string): HostCertificate {
  const x = new X509Certificate(cert);
  const subjectAltNames = (x.subjectAltName ?? '')
    .split(', ')
    .filter(Boolean)
    .map((s) => (s.startsWith('IP Address:') ? `IP:${normalizeIp(s.slice(11))}` : s));
  return {
    key,
    cert,
    spki: spkiFingerprint(cert),
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
    subjectAltNames,
  };
}
