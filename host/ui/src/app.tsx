import { AppShell } from '@quantix/shared/ui/app-shell.tsx';
import { ReconnectingBanner } from '@quantix/shared/ui/components/reconnecting-banner.tsx';
import { TopBar } from '@quantix/shared/ui/components/top-bar.tsx';
import { LoginPage } from '@quantix/shared/ui/pages/login-page.tsx';
import { NotFoundPage } from '@quantix/shared/ui/pages/not-found-page.tsx';
import { SetupPage } from '@quantix/shared/ui/pages/setup-page.tsx';
import { lazyPage } from '@quantix/shared/ui/router/lazy-page.tsx';
import type { FunctionComponent } from 'preact';
import { DataDiskBanner } from '@quantix/shared/ui/components/data-disk-banner.tsx';
import { AboutPage } from './pages/about-page.tsx';
import { RecentTasks } from './components/recent-tasks.tsx';
import { DashboardPage } from './pages/dashboard-page.tsx';
import { EventsPage } from './pages/events-page.tsx';
import { RegistrationPage } from './pages/registration-page.tsx';
import type { RouteName } from './router/routes.ts';
import { useStore } from './store/use-store.ts';

// Each virtualization page is its own chunk, fetched on first visit: the first load stays small.
const PAGES: Record<RouteName, FunctionComponent> = {
  dashboard: DashboardPage,
  vms: lazyPage(() => import('./pages/vms/vms-page.tsx').then((m) => m.VmsPage)),
  'vm-new': lazyPage(() => import('./pages/vms/vm-wizard-page.tsx').then((m) => m.VmWizardPage)),
  'vm-detail': lazyPage(() => import('./pages/vms/vm-detail-page.tsx').then((m) => m.VmDetailPage)),
  storage: lazyPage(() => import('./pages/storage/storage-page.tsx').then((m) => m.StoragePage)),
  pool: lazyPage(() => import('./pages/storage/pool-page.tsx').then((m) => m.PoolPage)),
  networks: lazyPage(() => import('./pages/networks/networks-page.tsx').then((m) => m.NetworksPage)),
  hardware: lazyPage(() => import('./pages/hardware/hardware-page.tsx').then((m) => m.HardwarePage)),
  logs: lazyPage(() => import('./pages/logs/logs-page.tsx').then((m) => m.LogsPage)),
  registration: RegistrationPage,
  events: EventsPage,
  about: AboutPage,
  tasks: lazyPage(() => import('./pages/tasks/tasks-page.tsx').then((m) => m.TasksPage)),
  login: LoginPage,
  setup: SetupPage,
  'not-found': NotFoundPage,
};

export function App() {
  const hostname = useStore((s) => s.host.data?.hostname);
  return (
    <AppShell
      pages={PAGES}
      site={hostname}
      chrome={
        <>
          <TopBar subtitle={hostname} />
          <ReconnectingBanner />
          <DataDiskBanner />
          <RecentTasks />
        </>
      }
    />
  );
}
