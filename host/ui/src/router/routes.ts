/** The page table and the pure rules around it: matching, guarding, and where to go after login. */

export type RouteName =
  | 'dashboard'
  | 'vms'
  | 'vm-new'
  | 'vm-detail'
  | 'storage'
  | 'pool'
  | 'networks'
  | 'hardware'
  | 'logs'
  | 'registration'
  | 'events'
  | 'about'
  | 'login'
  | 'setup'
  | 'not-found';

export interface RouteDef {
  readonly name: RouteName;
  readonly pattern: string;
  readonly title: string;
  /** needs a session; `false` pages are the public ones */
  readonly auth: boolean;
  /** listed in the top bar */
  readonly nav: boolean;
  /** the top-bar entry that is highlighted on this page (a detail page lights its list) */
  readonly section?: RouteName;
}

export const ROUTES: readonly RouteDef[] = [
  { name: 'dashboard', pattern: '/', title: 'Dashboard', auth: true, nav: true },
  { name: 'vms', pattern: '/vms', title: 'VMs', auth: true, nav: true },
  // before /vms/:uuid, which would match it too
  { name: 'vm-new', pattern: '/vms/new', title: 'Create VM', auth: true, nav: false, section: 'vms' },
  { name: 'vm-detail', pattern: '/vms/:uuid', title: 'VM', auth: true, nav: false, section: 'vms' },
  { name: 'storage', pattern: '/storage', title: 'Storage', auth: true, nav: true },
  {
    name: 'pool',
    pattern: '/storage/:pool',
    title: 'Storage pool',
    auth: true,
    nav: false,
    section: 'storage',
  },
  { name: 'networks', pattern: '/networks', title: 'Networks', auth: true, nav: true },
  { name: 'hardware', pattern: '/hardware', title: 'Hardware', auth: true, nav: true },
  { name: 'logs', pattern: '/logs', title: 'Logs', auth: true, nav: true },
  { name: 'registration', pattern: '/registration', title: 'Registration', auth: true, nav: true },
  { name: 'events', pattern: '/events', title: 'Events', auth: true, nav: true },
  { name: 'about', pattern: '/about', title: 'About', auth: true, nav: true },
  { name: 'login', pattern: '/login', title: 'Log in', auth: false, nav: false },
  { name: 'setup', pattern: '/setup', title: 'Set up', auth: false, nav: false },
];

const NOT_FOUND: RouteDef = { name: 'not-found', pattern: '*', title: 'Not found', auth: true, nav: false };

export interface RouteMatch {
  readonly route: RouteDef;
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

export function matchRoute(path: string, routes: readonly RouteDef[] = ROUTES): RouteMatch {
  for (const route of routes) {
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return { route: NOT_FOUND, params: {} };
}

/**
 * Only a local absolute path may follow login; anything else (`//evil`, `https://…`, `/\evil`)
 * falls back to the dashboard, so `?next=` cannot be used as an open redirect.
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
export function guardRedirect(path: string, search: string, input: GuardInput): string | null {
  if (!input.ready) return null;
  const { route } = matchRoute(path);
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
