import type { AppState, Loadable } from '../store/app-state.ts';
import type { Store } from '../store/create-store.ts';
import { toErrorInfo } from './api-error.ts';

type LoadableKey = {
  [K in keyof AppState]: AppState[K] extends Loadable<unknown> ? K : never;
}[keyof AppState];
type DataOf<K extends LoadableKey> = AppState[K] extends Loadable<infer T> ? T : never;

/**
 * Runs `fetcher` and records loading → data | error in `state[key]`. Keeps the old data while
 * reloading (no flicker), and ignores an answer that a newer load of the same key overtook.
 */
export function createLoader(store: Store<AppState>) {
  const latest = new Map<LoadableKey, number>();
  let seq = 0;

  function patch<K extends LoadableKey>(key: K, change: Partial<Loadable<DataOf<K>>>) {
    store.update((s) => ({ ...s, [key]: { ...s[key], ...change } }));
  }

  return async function loadInto<K extends LoadableKey>(
    key: K,
    fetcher: () => Promise<DataOf<K>>,
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
  };
}

export type LoadInto = ReturnType<typeof createLoader>;
