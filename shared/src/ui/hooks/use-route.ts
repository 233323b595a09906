import { useMemo } from 'preact/hooks';
import { useShellApi, useShellStore } from '../store/shell-context.ts';

/** The current route's `:params` and query, and a way to change the query (tabs, folders, pages). */
export function useRoute() {
  const { nav } = useShellApi();
  const path = useShellStore((s) => s.location.path);
  const search = useShellStore((s) => s.location.search);
  return useMemo(() => {
    const query = new URLSearchParams(search);
    return {
      path,
      params: nav.match(path).params,
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
