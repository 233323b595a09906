import type { Enrollment, MintedEnrollment } from '@quantix/shared';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ConfirmDialog } from '@quantix/shared/ui/components/confirm-dialog.tsx';
import { CopyText } from '@quantix/shared/ui/components/copy-text.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { formatDateTime, formatRelative } from '@quantix/shared/ui/format/format-time.ts';
import { useNow } from '@quantix/shared/ui/hooks/use-now.ts';
import type { ErrorInfo } from '@quantix/shared/ui/store/shell-state.ts';
import { useEffect, useState } from 'preact/hooks';
import {
  ENROLLMENT_STATUS_LABEL,
  type EnrollmentForm,
  emptyEnrollmentForm,
  enrollmentStatus,
  joinHubCommand,
  toEnrollmentRequest,
  validateEnrollment,
} from '../enrollment/enrollment-text.ts';
import { useApi, useStore } from '../store/use-store.ts';

const STATUS_BADGE = { active: 'badge-ok', expired: '', used: '', revoked: 'badge-warning' } as const;

/**
 * Hosts that join by themselves: a `qxh1.` string (the hub's address and key, and a secret) that a
 * host is given at install or with `quantix-host join-hub`. Shown once; listed with its uses.
 */
export function EnrollmentPage() {
  const api = useApi();
  const enrollments = useStore((s) => s.enrollments);
  const hub = useStore((s) => s.hub.data);
  // the string is shown once: kept here, never in the store, gone when the page is left
  const [minted, setMinted] = useState<MintedEnrollment | null>(null);
  useEffect(() => {
    void api.enrollment.load();
  }, [api]);

  return (
    <div class="page page-narrow" data-testid="page-enrollment">
      <Card title="Let hosts join this hub" testId="enrollment-mint">
        <p>
          A host given this string dials the hub itself, checks the hub's key, and joins the fleet. Give it at
          install time, or run the command on the host.
        </p>
        {hub && (
          <dl class="kv">
            <dt>Hosts reach the hub at</dt>
            <dd class="mono" data-testid="hub-public-url">
              {hub.publicUrl}
            </dd>
            <dt>Hub key fingerprint</dt>
            <dd class="mono break" data-testid="hub-spki">
              {hub.spki}
            </dd>
          </dl>
        )}
        {minted ? (
          <MintedView minted={minted} onDone={() => setMinted(null)} />
        ) : (
          <MintForm onMinted={setMinted} />
        )}
      </Card>
      <Card title="Enrollment strings" testId="enrollment-list">
        <ErrorMessage error={enrollments.error} testId="enrollments-error" />
        {enrollments.data && enrollments.data.length === 0 ? (
          <p class="muted" data-testid="enrollments-empty">
            None yet.
          </p>
        ) : (
          enrollments.data && <EnrollmentTable list={enrollments.data} />
        )}
      </Card>
    </div>
  );
}

function MintForm(props: { onMinted: (m: MintedEnrollment) => void }) {
  const api = useApi();
  const [form, setForm] = useState<EnrollmentForm>(emptyEnrollmentForm);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const errors = validateEnrollment(form);
  const set = (key: keyof EnrollmentForm) => (e: Event) =>
    setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });

  async function submit(e: Event) {
    e.preventDefault();
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      props.onMinted(await api.enrollment.mint(toEnrollmentRequest(form)));
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <form class="inline-form" onSubmit={submit} noValidate data-testid="enrollment-form">
      <div class="form-grid">
        <Field id="enroll-label" label="Label (optional)" error={errors.label}>
          <input
            id="enroll-label"
            value={form.label}
            placeholder="rack 4"
            onInput={set('label')}
            data-testid="enroll-label"
          />
        </Field>
        <Field id="enroll-hours" label="Valid for (hours)" error={errors.expiresInHours}>
          <input
            id="enroll-hours"
            inputMode="numeric"
            value={form.expiresInHours}
            onInput={set('expiresInHours')}
            data-testid="enroll-hours"
          />
        </Field>
        <Field id="enroll-uses" label="Hosts it may add" error={errors.maxUses}>
          <input
            id="enroll-uses"
            inputMode="numeric"
            value={form.maxUses}
            onInput={set('maxUses')}
            data-testid="enroll-uses"
          />
        </Field>
      </div>
      <ErrorMessage error={error} testId="enroll-error" />
      <BusyButton
        type="submit"
        variant="primary"
        busy={busy}
        busyText="Creating…"
        disabled={Object.keys(errors).length > 0}
        testId="enroll-submit"
      >
        Create enrollment string
      </BusyButton>
    </form>
  );
}

function MintedView(props: { minted: MintedEnrollment; onDone: () => void }) {
  const { minted } = props;
  return (
    <div class="secret-once" data-testid="enrollment-minted">
      <div class="alert alert-warn" role="status">
        <span>
          Copy it now: the hub keeps only a hash of its secret and shows it this once. Valid until{' '}
          {formatDateTime(minted.expiresAt)}, for {minted.maxUses} host{minted.maxUses === 1 ? '' : 's'}.
        </span>
      </div>
      <CopyText
        id="enrollment-string"
        label="Enrollment string"
        value={minted.enrollment}
        testId="enrollment-string"
      />
      <CopyText
        id="enrollment-command"
        label="Or run on the host"
        value={joinHubCommand(minted.enrollment)}
        testId="enrollment-command"
      />
      <button type="button" class="btn btn-secondary" onClick={props.onDone} data-testid="enrollment-done">
        Done
      </button>
    </div>
  );
}

function EnrollmentTable(props: { list: readonly Enrollment[] }) {
  const api = useApi();
  const now = useNow(30_000);
  const [revoking, setRevoking] = useState<Enrollment | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function revoke(e: Enrollment) {
    setBusy(true);
    setError(null);
    try {
      await api.enrollment.revoke(e.id);
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
      setRevoking(null);
    }
  }

  return (
    <>
      <ErrorMessage error={error} testId="revoke-error" />
      <table class="table" data-testid="enrollments-table">
        <thead>
          <tr>
            <th>ID</th>
            <th>Label</th>
            <th>Created</th>
            <th>Expires</th>
            <th class="num">Hosts added</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.list.map((e) => {
            const status = enrollmentStatus(e, now);
            return (
              <tr key={e.id} data-testid="enrollment-row" data-id={e.id} data-status={status}>
                <td class="mono">{e.id}</td>
                <td>{e.label ?? <span class="muted">—</span>}</td>
                <td class="nowrap" title={formatDateTime(e.createdAt)}>
                  {formatRelative(e.createdAt, now)} by {e.createdBy}
                </td>
                <td class="nowrap" title={formatDateTime(e.expiresAt)}>
                  {formatRelative(e.expiresAt, now)}
                </td>
                <td class="num">
                  {e.uses} / {e.maxUses}
                </td>
                <td>
                  <span class={`badge ${STATUS_BADGE[status]}`}>{ENROLLMENT_STATUS_LABEL[status]}</span>
                </td>
                <td class="actions">
                  {status === 'active' && (
                    <button
                      type="button"
                      class="btn btn-danger btn-small"
                      onClick={() => setRevoking(e)}
                      data-testid="enrollment-revoke"
                    >
                      Revoke…
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${revoking.label ?? revoking.id}?`}
          confirmText="Revoke"
          busyText="Revoking…"
          busy={busy}
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(null)}
        >
          <p>No host can join with this string any more. Hosts that already joined stay in the fleet.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
