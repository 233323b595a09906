import { useState } from 'preact/hooks';
import { toErrorInfo } from '../api/api-error.ts';
import { BusyButton } from '../components/busy-button.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Field } from '../components/field.tsx';
import type { ErrorInfo } from '../store/shell-state.ts';
import { useShellApi, useShellConfig } from '../store/shell-context.ts';
import { PASSWORD_HINT, type SetupForm, validateSetup } from './setup-validation.ts';

export function SetupPage() {
  const api = useShellApi();
  const { peer, cli } = useShellConfig();
  const [form, setForm] = useState<SetupForm>({ code: '', username: 'admin', password: '', confirm: '' });
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const errors = validateSetup(form);
  const shown = touched ? errors : {};

  const field = (key: keyof SetupForm) => ({
    id: `setup-${key}`,
    value: form[key],
    'aria-invalid': shown[key] ? true : undefined,
    'aria-describedby': shown[key] ? `setup-${key}-error` : undefined,
    onInput: (e: Event) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value }),
  });
  const hint = (key: keyof SetupForm) =>
    shown[key] && (
      <span class="field-error" id={`setup-${key}-error`}>
        {shown[key]}
      </span>
    );

  async function submit(e: Event) {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      await api.session.setup({
        code: form.code.trim().toUpperCase(),
        username: form.username,
        password: form.password,
      });
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <form class="auth-card" onSubmit={submit} data-testid="setup-form" noValidate>
      <h1>Set up this {peer}</h1>
      <p class="muted">Create the administrator account. This is done once.</p>
      <ErrorMessage error={error} testId="setup-error" />
      <div class="field">
        <label for="setup-code">Setup code</label>
        <input {...field('code')} class="mono" autoComplete="off" placeholder="XXXX-XXXX-XXXX" />
        <span class="hint">
          Shown on the {peer} console, or run <code>{cli} setup-code</code>.
        </span>
        {hint('code')}
      </div>
      <Field id="setup-username" label="Username" error={shown.username}>
        <input {...field('username')} autoComplete="username" />
      </Field>
      <Field id="setup-password" label="Password" error={shown.password} hint={PASSWORD_HINT}>
        <input {...field('password')} type="password" autoComplete="new-password" />
      </Field>
      <Field id="setup-confirm" label="Confirm password" error={shown.confirm}>
        <input {...field('confirm')} type="password" autoComplete="new-password" />
      </Field>
      <BusyButton
        type="submit"
        variant="primary"
        busy={busy}
        busyText="Creating account…"
        testId="setup-submit"
      >
        Create account
      </BusyButton>
    </form>
  );
}
