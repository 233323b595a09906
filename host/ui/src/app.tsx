import type { FunctionComponent } from 'preact';
import { useEffect } from 'preact/hooks';
import { DataDiskBanner } from './components/data-disk-banner.tsx';
import { ErrorMessage } from './components/error-message.tsx';
import { ReconnectingBanner } from './components/reconnecting-banner.tsx';
import { TopBar } from './components/top-bar.tsx';
import { AboutPage } from './pages/about-page.tsx';
import { DashboardPage } from './pages/dashboard-page.tsx';
import { EventsPage } from './pages/events-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { RegistrationPage } from './pages/registration-page.tsx';
import { SetupPage } from './pages/setup-page.tsx';
import { lazyPage } from './router/lazy-page.tsx';
import { matchRoute, type RouteName } from './router/routes.ts';
import { useApi, useStore } from './store/use-store.ts';

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
  login: LoginPage,
  setup: SetupPage,
  'not-found': NotFoundPage,
};

export function App() {
  const api = useApi();
  const boot = useStore((s) => s.boot);
  const path = useStore((s) => s.location.path);
  const signedIn = useStore((s) => s.session !== null);
  const hostname = useStore((s) => s.host.data?.hostname);
  const { route } = matchRoute(path);

  useEffect(() => {
    document.title = hostname ? `${route.title} — ${hostname} — Quantix` : `${route.title} — Quantix`;
  }, [route.title, hostname]);

  if (boot.status === 'pending') {
    return (
      <div class="center" data-testid="boot-loading">
        <span class="spinner" aria-hidden="true" /> Connecting to the host…
      </div>
    );
  }
  if (boot.status === 'failed') {
    return (
      <div class="auth-card" data-testid="boot-error">
        <h1>Cannot load Quantix</h1>
        <ErrorMessage error={boot.error} />
        <button type="button" class="btn btn-primary" onClick={() => void api.session.boot()}>
          Try again
        </button>
      </div>
    );
  }

  const Page = PAGES[route.name];
  if (!route.auth) {
    return (
      <main class="public">
        <div class="public-brand">Quantix</div>
        <Page />
      </main>
    );
  }
  // the guard is about to send an anonymous user to /login
  if (!signedIn) return null;
  return (
    <>
      <TopBar />
      <ReconnectingBanner />
      <DataDiskBanner />
      <main class="main">
        <Page />
      </main>
    </>
  );
}
