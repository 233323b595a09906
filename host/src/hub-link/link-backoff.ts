/** First retry after about a second, doubling to at most 30 s, each ±50 % so hosts spread out. */
export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

/**
 * The wait before dial number `attempt` (0: the first dial after start, at once). `random` is in
 * [0, 1): thousands of hosts that lost a restarting hub at the same moment do not all come back
 * in the same second.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  if (attempt <= 0) return 0;
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(attempt - 1, 16));
  return Math.round(base * (0.5 + random()));
}
