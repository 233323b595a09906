/** The pure rules around a UI's page table: matching, guarding, and where to go after login. */

/** Every UI has these pages; its own table adds the rest. */
export type ShellRouteName = 'login' | 'setup' | 'not-found';

export interface RouteDef<N extends string = string> {
  readonly name: N | ShellRouteName;
  readonly pattern: string;
  readonly title: string;
  /** needs a session; `false` pages are the public ones */
  readonly auth: boolean;
  /** listed in the top bar */
  readonly nav: boolean;
  /** the top-bar entry that is highlighted on this page (a detail page lights its list) */
  readonly section?: N;
}

export const NOT_FOUND: RouteDef<never> = {
  name: 'not-found',
  pattern: '*',
  title: 'Not found',
  auth: true,
  nav: false,
};

export interface RouteMatch<N extends string = string> {
  readonly route: RouteDef<N>;
  readonly params: Readonly<Record<string, string>>;
}

/** Matches `/a/:id` style patterns segment by segment; a trailing slash is ignored. */
export function matchPattern(pattern: string, path: string): Record<string, string> | null {
  const want = split(pattern);
  const got = split(path);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** The first route of `routes` matching `path` (list a literal before a `:param` twin), else not-found. */
export function matchRoute<N extends string>(path: string, routes: readonly RouteDef<N>[]): RouteMatch<N> {
  for (const route of routes) {
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return { route: NOT_FOUND, params: {} };
}

/**
 * Only a local absolute path may follow login; anything else (`//evil`, `https://…`, `/\evil`)
 * falls back to the home page, so `?next=` cannot be used as an open redirect.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/setup')) return '/';
  return next;
}

export interface GuardInput {
  readonly ready: boolean;
  readonly setupRequired: boolean;
  readonly authenticated: boolean;
}

/** Where the user must go instead of `path + search`, or null to stay. */
export function guardRedirect(
  path: string,
  search: string,
  input: GuardInput,
  routes: readonly RouteDef[],
): string | null {
  if (!input.ready) return null;
  const { route } = matchRoute(path, routes);
  if (input.setupRequired) return route.name === 'setup' ? null : '/setup';
  if (route.name === 'setup') return input.authenticated ? '/' : '/login';
  if (route.name === 'login') {
    return input.authenticated ? safeNext(new URLSearchParams(search).get('next')) : null;
  }
  if (route.auth && !input.authenticated) return loginPath(path + search);
  return null;
}

export function loginPath(wanted: string): string {
  return wanted === '/' ? '/login' : `/login?next=${encodeURIComponent(wanted)}`;
}

/** The two public pages, the same in every UI. */
export const SHELL_ROUTES: readonly RouteDef<never>[] = [
  { name: 'login', pattern: '/login', title: 'Log in', auth: false, nav: false },
  { name: 'setup', pattern: '/setup', title: 'Set up', auth: false, nav: false },
];

/** A UI's page table: its own pages, then the shell's (login, setup); and the page at a path in it. */
export function pageTable<N extends string>(
  pages: readonly RouteDef<N>[],
): { readonly routes: readonly RouteDef<N>[]; match(path: string): RouteMatch<N> } {
  const routes = [...pages, ...SHELL_ROUTES];
  return { routes, match: (path) => matchRoute(path, routes) };
}
