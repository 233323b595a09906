import { AppError } from '@quantix/shared';
import type { EventStore } from '@quantix/shared/server';
import type { HubStore } from '../store/hub-store.ts';
import type { HostLinks } from './host-links.ts';

/**
 * Removes a host from the hub: a connected host is told to forget the hub first (it deletes its
 * record of the hub and never dials it again), then the record and its pool assignments go.
 */
export async function removeHost(
  deps: { store: HubStore; links: HostLinks; events: EventStore; hubName: string },
  hostId: string,
  by: string,
): Promise<void> {
  const host = await deps.store.getHost(hostId);
  if (!host) throw new AppError('HOST_NOT_FOUND', `no host ${hostId} on this hub`);
  await deps.links.forget(hostId, `removed from hub ${deps.hubName} by ${by}`);
  await deps.store.removeHost(hostId);
  await deps.events.record({
    level: 'info',
    category: 'registration',
    message: `Host ${host.hostname} (${host.url}) removed from the hub`,
    source: by,
    details: { hostId },
  });
}
