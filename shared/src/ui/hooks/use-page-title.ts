import { useEffect } from 'preact/hooks';
import { pageTitle } from '../format/page-title.ts';
import { useShellApi, useShellStore } from '../store/shell-context.ts';

/**
 * Puts the object a page shows (a VM's, a pool's name) into `document.title`, before the page
 * and server names the app sets for every route (`site`: the hostname). Nothing while `detail`
 * is null (still loading).
 */
export function usePageTitle(detail: string | null, site: string | null | undefined) {
  const { nav } = useShellApi();
  const path = useShellStore((s) => s.location.path);
  useEffect(() => {
    if (!detail) return;
    const title = pageTitle({ page: nav.match(path).route.title, detail, hostname: site });
    // The app sets the route's title in its own effect, and preact runs a parent's effects after
    // its children's in the same pass: write ours once that pass is over, so it is not overwritten.
    let live = true;
    queueMicrotask(() => {
      if (live) document.title = title;
    });
    return () => {
      live = false;
    };
  }, [detail, path, site, nav]);
}
