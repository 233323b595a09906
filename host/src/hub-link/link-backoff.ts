/** First retry after about a second, doubling to at most 30 s, each ±50 % so hosts spread out. */
export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;
/**
 * The first redial after an established link went down is spread evenly over this window. The
 * links of a whole fleet go down together when their hub restarts: with ±50 % around 1 s most of
 * them came back within the same second, a herd of handshakes the restarting hub cannot take at
 * once. Spread over 1–10 s, a thousand hosts come back at about a hundred a second, and every
 * one is back before the hub's 15 s grace (LINK_GRACE_MS) would call it not responding.
 */
export const REDIAL_AFTER_LOSS_MS = { min: 1000, max: 10_000 } as const;

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

/** The wait before the first redial of a link that was up and went down (later ones: backoffDelay). */
export function redialAfterLoss(random: () => number = Math.random): number {
  const { min, max } = REDIAL_AFTER_LOSS_MS;
  return Math.round(min + random() * (max - min));
}
