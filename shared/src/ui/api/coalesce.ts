/**
 * `fn`, at most one run at a time: calls while it runs ask for one more run after it, however many
 * they are. A burst of events (virsh pool-define, pool-start, …) costs two reads, not one each.
 */
export function coalesce(fn: () => Promise<unknown>): () => Promise<void> {
  let current: Promise<void> | null = null;
  let again = false;
  const start = (): Promise<void> => {
    current = (async () => {
      try {
        await fn();
      } catch {
        // the reload records its own failure in the store
      }
      if (again) {
        again = false;
        await start();
      } else current = null;
    })();
    return current;
  };
  return () => {
    if (current) {
      again = true;
      return current;
    }
    return start();
  };
}
