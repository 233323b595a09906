import type { HostIo } from '../socket/host-io.ts';
import type { ObjectEvents } from './object-events.ts';

/** Pools and networks changed anywhere reach every open page at once, as `vm:changed` does. */
export function attachObjectEventsSocket(deps: { io: HostIo; objects: ObjectEvents }): () => void {
  const offPool = deps.objects.onPool((c) => deps.io.emit('pool:changed', c));
  const offNet = deps.objects.onNetwork((c) => deps.io.emit('network:changed', c));
  return () => {
    offPool();
    offNet();
  };
}
