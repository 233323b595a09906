import { guardRedirect } from '../router/routes.ts';
import type { AppState } from '../store/app-state.ts';
import type { Store } from '../store/create-store.ts';

export interface Navigation {
  navigate(to: string, opts?: { replace?: boolean }): void;
  /** re-applies the route guard, after the session or the setup state changed */
  enforce(): void;
  /** the current path and query */
  current(): string;
  /** follows back/forward; returns the function that stops it */
  start(): () => void;
}

/** The browser's history is an outside system like HTTP, so it lives in the api layer too. */
export function createNavigation(deps: { store: Store<AppState>; window: Window }): Navigation {
  const { store, window: w } = deps;

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
    const redirect = guardRedirect(s.location.path, s.location.search, {
      ready: s.boot.status === 'ready',
      setupRequired: s.setupRequired,
      authenticated: s.session !== null,
    });
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
  };
}
