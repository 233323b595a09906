import type { FunctionComponent } from 'preact';
import { useEffect, useReducer, useState } from 'preact/hooks';
import { toErrorInfo } from '../api/api-error.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { useShellConfig } from '../store/shell-context.ts';
import type { ErrorInfo } from '../store/shell-state.ts';

/**
 * A page fetched on first visit (Vite makes each dynamic import its own chunk), so the first load
 * carries only the shell and the dashboard. Once loaded it renders synchronously.
 */
export function lazyPage(load: () => Promise<FunctionComponent>): FunctionComponent {
  let loaded: FunctionComponent | null = null;
  let pending: Promise<FunctionComponent> | null = null;
  return function LazyPage() {
    const { peer } = useShellConfig();
    const [, loadedNow] = useReducer((n: number) => n + 1, 0);
    const [error, setError] = useState<ErrorInfo | null>(null);
    useEffect(() => {
      if (loaded) return;
      let mounted = true;
      pending ??= load();
      pending.then(
        (page) => {
          loaded = page;
          if (mounted) loadedNow(0);
        },
        (err) => {
          pending = null;
          if (mounted) setError(toErrorInfo(err));
        },
      );
      return () => {
        mounted = false;
      };
    }, []);
    if (loaded) {
      const Page = loaded;
      return <Page />;
    }
    if (error) {
      return (
        <div class="page page-narrow" data-testid="page-load-error">
          <ErrorMessage error={error} />
          <p>
            This part of the console could not be loaded. If the {peer} was just updated, reloading fetches
            the new version.
          </p>
          <div>
            <button type="button" class="btn btn-primary" onClick={() => window.location.reload()}>
              Reload
            </button>
          </div>
        </div>
      );
    }
    return (
      <div class="center" data-testid="page-loading">
        <span class="spinner" aria-hidden="true" /> Loading…
      </div>
    );
  };
}
