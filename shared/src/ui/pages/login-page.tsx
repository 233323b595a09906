import { useState } from 'preact/hooks';
import { ApiError, toErrorInfo } from '../api/api-error.ts';
import { BusyButton } from '../components/busy-button.tsx';
import { formatDuration } from '../format/format-time.ts';
import { useNow } from '../hooks/use-now.ts';
import type { ErrorInfo } from '../store/shell-state.ts';
import { useShellApi, useShellStore } from '../store/shell-context.ts';

function RetryCountdown(props: { until: number }) {
  const now = useNow();
  const left = Math.ceil((props.until - now) / 1000);
  return <>{left > 0 ? ` Try again in ${formatDuration(left)}.` : ' You can try again now.'}</>;
}

export function LoginPage() {
  const api = useShellApi();
  const notice = useShellStore((s) => s.notice);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [retryAt, setRetryAt] = useState<number | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setRetryAt(null);
    try {
      await api.session.login(username.trim(), password);
    } catch (err) {
      setError(toErrorInfo(err));
      if (err instanceof ApiError && err.code === 'RATE_LIMITED' && err.retryAfter !== null) {
        setRetryAt(Date.now() + err.retryAfter * 1000);
      }
      setPassword('');
      setBusy(false);
    }
  }

  return (
    <form class="auth-card" onSubmit={submit} data-testid="login-form" noValidate>
      <h1>Log in</h1>
      {notice && (
        <div class="alert alert-info" role="status" data-testid="login-notice">
          {notice}
        </div>
      )}
      {error && (
        <div class="alert alert-error" role="alert" data-testid="login-error">
          <span>
            {error.message}
            {retryAt !== null && <RetryCountdown until={retryAt} />}
          </span>
          <span class="alert-code">{error.code}</span>
        </div>
      )}
      <div class="field">
        <label for="login-username">Username</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </div>
      <BusyButton
        type="submit"
        variant="primary"
        busy={busy}
        busyText="Logging in…"
        disabled={username.trim() === '' || password === ''}
        testId="login-submit"
      >
        Log in
      </BusyButton>
    </form>
  );
}
