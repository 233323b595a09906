import type { HostLinks } from './host-links.ts';

/**
 * The links need the HTTPS server, the server needs the app, and the app's services need the
 * links: the services get this stand-in, bound to the link server once it exists (before the
 * hub listens, so no request ever finds it unbound).
 */
export function lateLinks(): { links: HostLinks; bind(real: HostLinks): void } {
  let real: HostLinks | null = null;
  const get = (): HostLinks => {
    if (!real) throw new Error('the link server is not attached yet');
    return real;
  };
  return {
    bind: (r) => {
      real = r;
    },
    links: {
      live: (hostId) => get().live(hostId),
      command: (hostId, cmd, timeoutMs) => get().command(hostId, cmd, timeoutMs),
      forget: (hostId, reason) => get().forget(hostId, reason),
      drop: (hostId) => get().drop(hostId),
      watch: (hostId) => get().watch(hostId),
      onChange: (fn) => get().onChange(fn),
      onLinkUp: (fn) => get().onLinkUp(fn),
      onTelemetry: (fn) => get().onTelemetry(fn),
    },
  };
}
