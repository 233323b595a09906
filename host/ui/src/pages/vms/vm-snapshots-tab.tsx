import type { SnapshotSummary, VmDetail } from '@quantix/shared';
import { useEffect, useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { ConfirmDialog } from '@quantix/shared/ui/components/confirm-dialog.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi, useStore } from '../../store/use-store.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function snapshotNameError(name: string, existing: readonly string[]): string | null {
  if (name === '') return 'Give the snapshot a name.';
  if (!NAME.test(name) || name.includes('..')) {
    return 'Letters, digits, "_", "." and "-", starting with a letter or digit, at most 64.';
  }
  if (existing.includes(name)) return `A snapshot named "${name}" exists already.`;
  return null;
}

type Pending = { kind: 'revert' | 'delete'; snapshot: SnapshotSummary };

export function VmSnapshotsTab(props: { vm: VmDetail }) {
  const api = useApi();
  const { uuid } = props.vm;
  const state = useStore((s) => s.snapshots);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [touched, setTouched] = useState(false);
  const [creating, setCreating] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // libvirt has no snapshot events: virsh snapshots and the "current" marker show up by polling
  useEffect(() => api.vms.watchSnapshots(uuid), [api, uuid]);

  const list = state.data?.uuid === uuid ? state.data.list : null;
  const nameError = snapshotNameError(name.trim(), list?.map((s) => s.name) ?? []);

  async function create(e: Event) {
    e.preventDefault();
    setTouched(true);
    if (nameError) return;
    setCreating(true);
    setError(null);
    setNotice(null);
    try {
      await api.vms.createSnapshot(uuid, name.trim(), description.trim());
      setNotice(`Snapshot "${name.trim()}" taken.`);
      setName('');
      setDescription('');
      setTouched(false);
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setCreating(false);
    }
  }

  async function confirm(p: Pending) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      if (p.kind === 'revert') await api.vms.revertSnapshot(uuid, p.snapshot.name);
      else await api.vms.deleteSnapshot(uuid, p.snapshot.name);
      setNotice(
        p.kind === 'revert' ? `Reverted to "${p.snapshot.name}".` : `Snapshot "${p.snapshot.name}" deleted.`,
      );
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
      setPending(null);
    }
  }

  return (
    <div data-testid="vm-snapshots">
      <form class="inline-form" onSubmit={create} noValidate>
        <div class="field">
          <label for="snapshot-name">Name</label>
          <input
            id="snapshot-name"
            value={name}
            aria-invalid={touched && nameError ? true : undefined}
            onInput={(e) => setName(e.currentTarget.value)}
            data-testid="snapshot-name"
          />
          {touched && nameError && <span class="field-error">{nameError}</span>}
        </div>
        <div class="field field-grow">
          <label for="snapshot-description">Description (optional)</label>
          <input
            id="snapshot-description"
            value={description}
            maxLength={1024}
            onInput={(e) => setDescription(e.currentTarget.value)}
            data-testid="snapshot-description"
          />
        </div>
        <BusyButton
          type="submit"
          variant="primary"
          busy={creating}
          busyText="Taking…"
          testId="snapshot-create"
        >
          Take snapshot
        </BusyButton>
      </form>
      {notice && (
        <div class="alert alert-info" role="status" data-testid="snapshot-notice">
          {notice}
        </div>
      )}
      <ErrorMessage error={error ?? state.error} testId="snapshot-error" />
      {list === null ? (
        <p class="muted">{state.loading ? 'Loading…' : ''}</p>
      ) : list.length === 0 ? (
        <p class="muted" data-testid="snapshots-empty">
          No snapshots.
        </p>
      ) : (
        <table class="table" data-testid="snapshot-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Description</th>
              <th>Taken</th>
              <th>VM state then</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.name} data-testid="snapshot-row" data-name={s.name}>
                <td>
                  {s.name} {s.current && <span class="badge badge-info">current</span>}{' '}
                  {s.quiesced && (
                    <span
                      class="badge badge-ok"
                      title="Taken with the guest's filesystems frozen by its agent"
                      data-testid="snapshot-quiesced"
                    >
                      quiesced
                    </span>
                  )}
                </td>
                <td>{s.description || <span class="muted">—</span>}</td>
                <td class="nowrap">{formatDateTime(s.createdAt)}</td>
                <td>{s.state}</td>
                <td class="actions nowrap">
                  <button
                    type="button"
                    class="btn btn-secondary btn-small"
                    onClick={() => setPending({ kind: 'revert', snapshot: s })}
                    data-testid="snapshot-revert"
                  >
                    Revert
                  </button>{' '}
                  <button
                    type="button"
                    class="btn btn-danger btn-small"
                    onClick={() => setPending({ kind: 'delete', snapshot: s })}
                    data-testid="snapshot-delete"
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pending && (
        <ConfirmDialog
          title={
            pending.kind === 'revert'
              ? `Revert to "${pending.snapshot.name}"?`
              : `Delete snapshot "${pending.snapshot.name}"?`
          }
          confirmText={pending.kind === 'revert' ? 'Revert' : 'Delete snapshot'}
          busyText={pending.kind === 'revert' ? 'Reverting…' : 'Deleting…'}
          busy={busy}
          onConfirm={() => void confirm(pending)}
          onCancel={() => setPending(null)}
        >
          <p>
            {pending.kind === 'revert'
              ? `"${props.vm.name}" goes back to how it was at ${formatDateTime(pending.snapshot.createdAt)}. Everything since is lost.`
              : 'The snapshot is removed; the VM as it is now is not changed.'}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
