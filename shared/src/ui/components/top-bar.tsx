import { useState } from 'preact/hooks';
import { toErrorInfo } from '../api/api-error.ts';
import type { ErrorInfo } from '../store/shell-state.ts';
import { useShellApi, useShellStore } from '../store/shell-context.ts';
import { BusyButton } from './busy-button.tsx';
import { ErrorMessage } from './error-message.tsx';
import { Link } from './link.tsx';

/** The brand with the server's name (`subtitle`, `…` until known), the nav of the UI's table, and logout. */
export function TopBar(props: { subtitle: string | undefined }) {
  const api = useShellApi();
  const path = useShellStore((s) => s.location.path);
  const username = useShellStore((s) => s.session?.username);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const route = api.nav.match(path).route;
  const current = route.section ?? route.name;

  async function logout() {
    setBusy(true);
    setError(null);
    try {
      await api.session.logout();
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <>
      <header class="topbar" data-testid="top-bar">
        <div class="brand">
          <span class="brand-name">Quantix</span>
          <span class="brand-host" data-testid="hostname">
            {props.subtitle ?? '…'}
          </span>
        </div>
        <nav class="nav" aria-label="Main">
          {api.nav.routes
            .filter((r) => r.nav)
            .map((r) => (
              <Link
                key={r.name}
                href={r.pattern}
                class="nav-link"
                current={r.name === current}
                testId={`nav-${r.name}`}
              >
                {r.title}
              </Link>
            ))}
        </nav>
        <div class="user">
          <span class="user-name">{username}</span>
          <BusyButton
            busy={busy}
            busyText="Logging out…"
            onClick={logout}
            testId="logout-button"
            variant="secondary"
          >
            Log out
          </BusyButton>
        </div>
      </header>
      {error && (
        <div class="page-alert">
          <ErrorMessage error={error} testId="logout-error" />
        </div>
      )}
    </>
  );
}
