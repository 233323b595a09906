import type { ComponentChildren, FunctionComponent } from 'preact';
import { useEffect } from 'preact/hooks';
import { ErrorMessage } from './components/error-message.tsx';
import { useShellApi, useShellConfig, useShellStore } from './store/shell-context.ts';

/**
 * The frame of a Quantix UI: the boot screen, the public pages (login, setup) on their own, and
 * the signed-in pages under the UI's `chrome` (its top bar and banners). `site` names the server
 * in the tab title once known (a hostname).
 */
export function AppShell(props: {
  pages: Readonly<Record<string, FunctionComponent>>;
  site: string | undefined;
  chrome: ComponentChildren;
}) {
  const api = useShellApi();
  const { peer } = useShellConfig();
  const boot = useShellStore((s) => s.boot);
  const path = useShellStore((s) => s.location.path);
  const signedIn = useShellStore((s) => s.session !== null);
  const { route } = api.nav.match(path);
  const { site } = props;

  useEffect(() => {
    document.title = site ? `${route.title} — ${site} — Quantix` : `${route.title} — Quantix`;
  }, [route.title, site]);

  if (boot.status === 'pending') {
    return (
      <div class="center" data-testid="boot-loading">
        <span class="spinner" aria-hidden="true" /> Connecting to the {peer}…
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

  const Page = props.pages[route.name];
  if (!Page) throw new Error(`no page for the route ${route.name}`);
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
      {props.chrome}
      <main class="main">
        <Page />
      </main>
    </>
  );
}
