import { pageTable, type ShellRouteName } from '@quantix/shared/ui/router/routes.ts';

/** The hub UI's page table; the rules around it (matching, the guard) are the shell's. */

export type RouteName =
  | ShellRouteName
  | 'fleet'
  | 'host'
  | 'pools'
  | 'pool'
  | 'vm-new'
  | 'enrollment'
  | 'events';

const table = pageTable<RouteName>([
  { name: 'fleet', pattern: '/', title: 'Fleet', auth: true, nav: true },
  { name: 'host', pattern: '/hosts/:hostId', title: 'Host', auth: true, nav: false, section: 'fleet' },
  { name: 'pools', pattern: '/pools', title: 'Shared pools', auth: true, nav: true },
  { name: 'pool', pattern: '/pools/:name', title: 'Shared pool', auth: true, nav: false, section: 'pools' },
  { name: 'vm-new', pattern: '/vms/new', title: 'New VM', auth: true, nav: true },
  { name: 'enrollment', pattern: '/enrollment', title: 'Enrollment', auth: true, nav: true },
  { name: 'events', pattern: '/events', title: 'Events', auth: true, nav: true },
]);

/** Its pages and the shell's. */
export const ROUTES = table.routes;
/** The page at `path` in the hub's table. */
export const matchRoute = table.match;
