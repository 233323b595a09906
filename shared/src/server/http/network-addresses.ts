import { networkInterfaces } from 'node:os';

/** Every address of the machine, for the certificate's SANs. */
export function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined)
    .map((a) => a.address.split('%')[0] ?? a.address);
}

/** The address a hub should use to reach us when we listen on every interface. */
export function primaryAddress(): string | null {
  const all = Object.values(networkInterfaces()).flat();
  return all.find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? null;
}

export function urlFor(host: string, port: number): string {
  const wildcard = host === '0.0.0.0' || host === '::';
  const h = wildcard ? (primaryAddress() ?? '127.0.0.1') : host;
  return `https://${h.includes(':') ? `[${h}]` : h}:${port}`;
}
