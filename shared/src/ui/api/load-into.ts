import type { Store } from '../store/create-store.ts';
import type { Loadable } from '../store/shell-state.ts';
import { toErrorInfo } from './api-error.ts';

type LoadableKey<S> = {
  [K in keyof S]: S[K] extends Loadable<unknown> ? K : never;
}[keyof S];
type DataOf<S, K extends keyof S> = S[K] extends Loadable<infer T> ? T : never;

/**
 * Runs `fetcher` and records loading → data | error in `state[key]`. Keeps the old data while
 * reloading (no flicker), and ignores an answer that a newer load of the same key overtook.
 * `loadInto.put(key, data)` stores data known to be newer than any load still under way (an edit's
 * answer, a socket snapshot): those loads' answers are ignored when they come.
 */
export function createLoader<S>(store: Store<S>) {
  const latest = new Map<LoadableKey<S>, number>();
  let seq = 0;

  function patch<K extends LoadableKey<S>>(key: K, change: Partial<Loadable<DataOf<S, K>>>) {
    store.update((s) => ({ ...s, [key]: { ...s[key], ...change } }));
  }

  async function loadInto<K extends LoadableKey<S>>(
    key: K,
    fetcher: () => Promise<DataOf<S, K>>,
  ): Promise<void> {
    const mine = ++seq;
    latest.set(key, mine);
    patch(key, { loading: true, error: null });
    try {
      const data = await fetcher();
      if (latest.get(key) === mine) patch(key, { data, loading: false });
    } catch (err) {
      if (latest.get(key) === mine) patch(key, { loading: false, error: toErrorInfo(err) });
    }
  }
  function put<K extends LoadableKey<S>>(key: K, data: DataOf<S, K>): void {
    latest.set(key, ++seq);
    patch(key, { data, loading: false, error: null });
  }
  return Object.assign(loadInto, { put });
}

/** `loadInto` of a UI's state `S`. */
export type LoadInto<S> = ReturnType<typeof createLoader<S>>;
