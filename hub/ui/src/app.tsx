import { AppShell } from '@quantix/shared/ui/app-shell.tsx';
import { DataDiskBanner } from '@quantix/shared/ui/components/data-disk-banner.tsx';
import { ReconnectingBanner } from '@quantix/shared/ui/components/reconnecting-banner.tsx';
import { TopBar } from '@quantix/shared/ui/components/top-bar.tsx';
import { LoginPage } from '@quantix/shared/ui/pages/login-page.tsx';
import { NotFoundPage } from '@quantix/shared/ui/pages/not-found-page.tsx';
import { SetupPage } from '@quantix/shared/ui/pages/setup-page.tsx';
import { lazyPage } from '@quantix/shared/ui/router/lazy-page.tsx';
import type { FunctionComponent } from 'preact';
import { FleetPage } from './pages/fleet-page.tsx';
import type { RouteName } from './router/routes.ts';
import { hubName } from './store/hub-name.ts';
import { useStore } from './store/use-store.ts';

// The fleet is the first page; every other page is its own chunk, fetched on first visit.
const PAGES: Record<RouteName, FunctionComponent> = {
  fleet: FleetPage,
  host: lazyPage(() => import('./pages/host/host-detail-page.tsx').then((m) => m.HostDetailPage)),
  pools: lazyPage(() => import('./pages/pools/pools-page.tsx').then((m) => m.PoolsPage)),
  pool: lazyPage(() => import('./pages/pools/pool-page.tsx').then((m) => m.PoolPage)),
  'vm-new': lazyPage(() => import('./pages/vm-wizard/vm-wizard-page.tsx').then((m) => m.VmWizardPage)),
  enrollment: lazyPage(() => import('./pages/enrollment-page.tsx').then((m) => m.EnrollmentPage)),
  events: lazyPage(() => import('./pages/events-page.tsx').then((m) => m.EventsPage)),
  login: LoginPage,
  setup: SetupPage,
  'not-found': NotFoundPage,
};

export function App() {
  const name = useStore((s) => hubName(s.hub.data));
  return (
    <AppShell
      pages={PAGES}
      site={name}
      chrome={
        <>
          <TopBar subtitle={name} />
          <ReconnectingBanner />
          <DataDiskBanner />
        </>
      }
    />
  );
}
