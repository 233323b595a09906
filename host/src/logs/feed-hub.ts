/**
 * One reader per distinct feed (a followed file, a `journalctl -f` argv), shared by every
 * watcher of it: started by the first, stopped when the last one leaves.
 */
export interface FeedHub<T> {
  subscribe(
    key: string,
    start: (emit: (item: T) => void) => () => void,
    listener: (item: T) => void,
  ): () => void;
  /** feeds running now (for tests and diagnostics) */
  size(): number;
}

export function createFeedHub<T>(): FeedHub<T> {
  const feeds = new Map<string, { listeners: Set<(item: T) => void>; stop: () => void }>();
  return {
    subscribe(key, start, listener) {
      let feed = feeds.get(key);
      if (!feed) {
        const listeners = new Set<(item: T) => void>();
        const created = { listeners, stop: () => {} };
        feeds.set(key, created);
        created.stop = start((item) => {
          for (const l of listeners) l(item);
        });
        feed = created;
      }
      const own = (item: T) => listener(item);
      feed.listeners.add(own);
      const current = feed;
      return () => {
        if (!current.listeners.delete(own)) return;
        if (current.listeners.size === 0 && feeds.get(key) === current) {
          feeds.delete(key);
          current.stop();
        }
      };
    },
    size: () => feeds.size,
  };
}
