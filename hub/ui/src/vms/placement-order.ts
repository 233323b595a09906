import type { PlacementCandidate } from '@quantix/shared';

/**
 * The wizard's host list: the hosts that may take the VM, most free memory first (the hub's
 * order, enforced here too so the display never depends on it), then the refused ones by name.
 */
export function orderCandidates(candidates: readonly PlacementCandidate[]): {
  readonly eligible: readonly PlacementCandidate[];
  readonly refused: readonly PlacementCandidate[];
} {
  const eligible = candidates
    .filter((c) => c.refusals.length === 0)
    .sort((a, b) => b.freeMemoryBytes - a.freeMemoryBytes || a.hostname.localeCompare(b.hostname));
  const refused = candidates
    .filter((c) => c.refusals.length > 0)
    .sort((a, b) => a.hostname.localeCompare(b.hostname));
  return { eligible, refused };
}

/** The host to preselect: the chosen one while it stays eligible, else the one with most free memory. */
export function pickHost(eligible: readonly PlacementCandidate[], chosen: string): string {
  if (eligible.some((c) => c.hostId === chosen)) return chosen;
  return eligible[0]?.hostId ?? '';
}
