import { pageTable, type ShellRouteName } from '@quantix/shared/ui/router/routes.ts';

/** The host UI's page table; the rules around it (matching, the guard) are the shell's. */

export type RouteName =
  | ShellRouteName
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
  | 'tasks';

const table = pageTable<RouteName>([
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
  { name: 'tasks', pattern: '/tasks', title: 'Tasks', auth: true, nav: true },
  { name: 'about', pattern: '/about', title: 'About', auth: true, nav: true },
]);

/** Its pages and the shell's. */
export const ROUTES = table.routes;
/** The page at `path` in the host's table. */
export const matchRoute = table.match;
