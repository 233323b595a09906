import { useMemo } from 'preact/hooks';
import { matchRoute } from '../router/routes.ts';
import { useApi, useStore } from '../store/use-store.ts';

/** The current route's `:params` and query, and a way to change the query (tabs, folders, pages). */
export function useRoute() {
  const { nav } = useApi();
  const path = useStore((s) => s.location.path);
  const search = useStore((s) => s.location.search);
  return useMemo(() => {
    const query = new URLSearchParams(search);
    return {
      path,
      params: matchRoute(path).params,
      query,
      /** replaces the given query keys ('' or null removes one); `push` adds a history entry */
      setQuery(change: Record<string, string | null>, opts: { push?: boolean } = {}) {
        const next = new URLSearchParams(search);
        for (const [k, v] of Object.entries(change)) {
          if (v === null || v === '') next.delete(k);
          else next.set(k, v);
        }
        const qs = next.toString();
        nav.navigate(qs ? `${path}?${qs}` : path, { replace: !opts.push });
      },
    };
  }, [nav, path, search]);
}
