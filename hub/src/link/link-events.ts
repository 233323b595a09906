import type { EventStore, Logger, NewEvent } from '@quantix/shared/server';
import type { LinkTransition } from './link-states.ts';

/**
 * What the hub's event log says about a link: its outages and returns, a changed certificate and
 * a revocation — the moments an administrator must know of. A first connection or a quick
 * reconnect within the grace period is only a log line.
 */
export function recordTransition(
  deps: { events: EventStore; log: Logger },
  t: LinkTransition,
  hostname: string,
): void {
  const why = t.reason ? `: ${t.reason}` : '';
  deps.log.info({ hostId: t.hostId, from: t.from, to: t.to, reason: t.reason }, 'host link state');
  let e: Omit<NewEvent, 'category' | 'source' | 'details'> | null = null;
  if (t.to === 'not-responding')
    e = { level: 'warning', message: `Host ${hostname} is not responding${why}` };
  else if (t.to === 'cert-changed')
    e = { level: 'error', message: `Host ${hostname}: certificate changed${why}` };
  else if (t.to === 'disconnected')
    e = { level: 'warning', message: `Host ${hostname} is disconnected${why}` };
  else if (t.to === 'connected' && (t.from === 'not-responding' || t.from === 'cert-changed'))
    e = { level: 'info', message: `Host ${hostname} is connected again` };
  if (!e) return;
  void deps.events.record({
    ...e,
    category: t.to === 'cert-changed' ? 'security' : 'system',
    source: 'hub',
    details: { hostId: t.hostId, state: t.to },
  });
}
