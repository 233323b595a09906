/**
 * Refused link handshakes per client address in a sliding minute: past the limit an address is
 * refused before any check runs (enrolment secrets are checked in a handshake; guessing one must
 * stay slow). Addresses are forgotten once their window is empty.
 */
export function createRefusalLimiter(opts: { limit: number; windowMs: number; now: () => number }) {
  const hits = new Map<string, number[]>();
  const recent = (addr: string): number[] => {
    const cutoff = opts.now() - opts.windowMs;
    const list = (hits.get(addr) ?? []).filter((t) => t > cutoff);
    if (list.length) hits.set(addr, list);
    else hits.delete(addr);
    return list;
  };
  return {
    blocked: (addr: string): boolean => recent(addr).length >= opts.limit,
    count(addr: string): void {
      hits.set(addr, [...recent(addr), opts.now()]);
    },
  };
}
