import { guardRedirect, matchRoute, type RouteDef, type RouteMatch } from '../router/routes.ts';
import type { Store } from '../store/create-store.ts';
import type { ShellState } from '../store/shell-state.ts';

export interface Navigation {
  navigate(to: string, opts?: { replace?: boolean }): void;
  /** re-applies the route guard, after the session or the setup state changed */
  enforce(): void;
  /** the current path and query */
  current(): string;
  /** follows back/forward; returns the function that stops it */
  start(): () => void;
  /** the UI's page table */
  readonly routes: readonly RouteDef[];
  /** the page at `path` in that table */
  match(path: string): RouteMatch;
}

/** The browser's history is an outside system like HTTP, so it lives in the api layer too. */
export function createNavigation(deps: {
  store: Store<ShellState>;
  window: Window;
  routes: readonly RouteDef[];
}): Navigation {
  const { store, window: w, routes } = deps;

  function setLocation(path: string, search: string) {
    store.update((s) =>
      s.location.path === path && s.location.search === search ? s : { ...s, location: { path, search } },
    );
  }

  function readLocation() {
    setLocation(w.location.pathname, w.location.search);
  }

  function enforce() {
    const s = store.get();
    const redirect = guardRedirect(
      s.location.path,
      s.location.search,
      {
        ready: s.boot.status === 'ready',
        setupRequired: s.setupRequired,
        authenticated: s.session !== null,
      },
      routes,
    );
    if (redirect === null) return;
    w.history.replaceState(null, '', redirect);
    readLocation();
  }

  return {
    navigate(to, opts = {}) {
      const url = new URL(to, w.location.origin);
      const target = url.pathname + url.search;
      if (opts.replace) w.history.replaceState(null, '', target);
      else if (target !== w.location.pathname + w.location.search) {
        w.history.pushState(null, '', target);
        w.scrollTo(0, 0);
      }
      readLocation();
      enforce();
    },
    enforce,
    current: () => w.location.pathname + w.location.search,
    start() {
      const onPop = () => {
        readLocation();
        enforce();
      };
      w.addEventListener('popstate', onPop);
      return () => w.removeEventListener('popstate', onPop);
    },
    routes,
    match: (path) => matchRoute(path, routes),
  };
}
