import type { HostEvent } from '@quantix/shared';

/**
 * Adds the `incoming` events that `keep` accepts, newest first (by seq), without duplicates, at
 * most `limit`. Returns the same array when nothing is added.
 */
export function mergeNewest(
  current: readonly HostEvent[],
  incoming: readonly HostEvent[],
  keep: (event: HostEvent) => boolean,
  limit: number,
): readonly HostEvent[] {
  const known = new Set(current.map((e) => e.id));
  const added = incoming.filter((e) => !known.has(e.id) && keep(e));
  if (added.length === 0) return current;
  return [...added, ...current].sort((a, b) => b.seq - a.seq).slice(0, limit);
}
