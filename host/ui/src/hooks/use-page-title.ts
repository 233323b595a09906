import { useEffect } from 'preact/hooks';
import { pageTitle } from '../format/page-title.ts';
import { matchRoute } from '../router/routes.ts';
import { useStore } from '../store/use-store.ts';

/**
 * Puts the object a page shows (a VM's, a pool's name) into `document.title`, before the page
 * and host names the app sets for every route. Nothing while `detail` is null (still loading).
 */
export function usePageTitle(detail: string | null) {
  const path = useStore((s) => s.location.path);
  const hostname = useStore((s) => s.host.data?.hostname);
  useEffect(() => {
    if (!detail) return;
    const title = pageTitle({ page: matchRoute(path).route.title, detail, hostname });
    // The app sets the route's title in its own effect, and preact runs a parent's effects after
    // its children's in the same pass: write ours once that pass is over, so it is not overwritten.
    let live = true;
    queueMicrotask(() => {
      if (live) document.title = title;
    });
    return () => {
      live = false;
    };
  }, [detail, path, hostname]);
}
