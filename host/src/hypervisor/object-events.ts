import type { Logger } from '@quantix/shared/server';
import type { HypervisorMonitor } from './hypervisor-monitor.ts';
import type { ObjectEventKind } from './hypervisor.ts';

export interface ObjectChange {
  uuid: string;
  /** null only for an object that was never seen and is gone already */
  name: string | null;
  event: ObjectEventKind;
}

export interface ObjectEvents {
  onPool(fn: (c: ObjectChange) => void): () => void;
  onNetwork(fn: (c: ObjectChange) => void): () => void;
}

/**
 * libvirt's lifecycle events for storage pools and networks, whoever caused them (this UI, virsh,
 * another tool), with the object's name: a removed object's name is remembered from before. The
 * subscription is renewed on every new libvirt connection, like the VM inventory's.
 */
export function createObjectEvents(deps: { monitor: HypervisorMonitor; log: Logger }): ObjectEvents {
  const kinds = {
    pool: { listeners: new Set<(c: ObjectChange) => void>(), names: new Map<string, string>() },
    network: { listeners: new Set<(c: ObjectChange) => void>(), names: new Map<string, string>() },
  };
  let unsubscribe: Array<() => void> = [];

  // one event at a time, in libvirt's order: a name read must not let a later event overtake
  let chain = Promise.resolve();
  const handle =
    (kind: 'pool' | 'network', read: (uuid: string) => Promise<{ name: string }>) =>
    (uuid: string, event: ObjectEventKind) => {
      chain = chain
        .then(() => deliver(kind, read, uuid, event))
        .catch((err: unknown) => deps.log.warn({ err }, 'could not handle a libvirt pool or network event'));
    };
  const deliver = async (
    kind: 'pool' | 'network',
    read: (uuid: string) => Promise<{ name: string }>,
    uuid: string,
    event: ObjectEventKind,
  ) => {
    const k = kinds[kind];
    let name = k.names.get(uuid) ?? null;
    if (event !== 'undefined' && event !== 'deleted') {
      name = await read(uuid).then(
        (o) => o.name,
        () => name,
      );
      if (name) k.names.set(uuid, name);
    }
    for (const fn of k.listeners) fn({ uuid, name, event });
    if (event === 'undefined') k.names.delete(uuid);
  };

  const subscribe = async () => {
    for (const off of unsubscribe) off();
    const h = deps.monitor.get();
    const pool = handle('pool', (uuid) => h.pool(uuid));
    const network = handle('network', (uuid) => h.network(uuid));
    unsubscribe = [h.onPoolEvent(pool), h.onNetworkEvent(network)];
    const [pools, networks] = await Promise.all([h.listPools(), h.listNetworks()]);
    for (const p of pools) kinds.pool.names.set(p.uuid, p.name);
    for (const n of networks) kinds.network.names.set(n.uuid, n.name);
  };
  deps.monitor.onChange((s) => {
    if (s.available)
      void subscribe().catch((err: unknown) => deps.log.warn({ err }, 'could not watch pools and networks'));
  });

  const on = (kind: 'pool' | 'network') => (fn: (c: ObjectChange) => void) => {
    kinds[kind].listeners.add(fn);
    return () => kinds[kind].listeners.delete(fn);
  };
  return { onPool: on('pool'), onNetwork: on('network') };
}
