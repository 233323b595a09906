import type { PoolSummary, VolumeFormat, VolumeSummary } from '@quantix/shared';
import { useEffect, useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { ConfirmDialog } from '@quantix/shared/ui/components/confirm-dialog.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { Field } from '@quantix/shared/ui/components/field.tsx';
import { FormDialog } from '@quantix/shared/ui/components/form-dialog.tsx';
import { useReloadWhenHypervisorBack } from '../../components/hypervisor-status.tsx';
import { formatBytes } from '@quantix/shared/ui/format/format-bytes.ts';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import { GiB, parseGiB } from '@quantix/shared/ui/format/parse-size.ts';
import { SkippedVolumes } from './skipped-volumes-note.tsx';
import { canResize, volumeNameError, withExtension } from './volume-form.ts';

export function VolumesTab(props: { pool: PoolSummary }) {
  const api = useApi();
  const { pool } = props;
  const state = useStore((s) => s.volumes[pool.name]);
  const skipped = useStore((s) => s.volumesSkipped[pool.name]);
  const [deleting, setDeleting] = useState<VolumeSummary | null>(null);
  const [resizing, setResizing] = useState<VolumeSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  useEffect(() => {
    void api.storage.loadVolumes(pool.name);
  }, [api, pool.name]);
  useReloadWhenHypervisorBack(() => void api.storage.loadVolumes(pool.name));

  async function remove(v: VolumeSummary) {
    setBusy(true);
    setError(null);
    try {
      await api.storage.deleteVolume(pool.name, v.name);
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
      setDeleting(null);
    }
  }

  const list = state?.data ?? null;
  return (
    <div data-testid="pool-volumes">
      <CreateVolumeForm pool={pool} />
      <ErrorMessage error={error ?? state?.error} testId="volumes-error" />
      <SkippedVolumes skipped={skipped} />
      {list === null ? (
        <p class="muted">{state?.loading ? 'Loading…' : ''}</p>
      ) : list.length === 0 ? (
        <p class="muted" data-testid="volumes-empty">
          {skipped?.length ? 'No other volumes.' : 'No volumes in this pool.'}
        </p>
      ) : (
        <table class="table" data-testid="volume-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Format</th>
              <th class="num">Capacity</th>
              <th class="num">Allocated</th>
              <th>Path</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((v) => (
              <tr key={v.key} data-testid="volume-row" data-name={v.name}>
                <td>{v.name}</td>
                <td>{v.format ?? v.type}</td>
                <td class="num">{formatBytes(v.capacity)}</td>
                <td class="num">{formatBytes(v.allocation)}</td>
                <td class="mono ellipsis" title={v.path}>
                  {v.path}
                </td>
                <td class="actions nowrap">
                  {canResize(v) && (
                    <>
                      <button
                        type="button"
                        class="btn btn-secondary btn-small"
                        onClick={() => setResizing(v)}
                        data-testid="volume-resize"
                      >
                        Resize…
                      </button>{' '}
                    </>
                  )}
                  <button
                    type="button"
                    class="btn btn-danger btn-small"
                    onClick={() => setDeleting(v)}
                    data-testid="volume-delete"
                  >
                    Delete…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete volume "${deleting.name}"?`}
          confirmText="Delete volume"
          busyText="Deleting…"
          busy={busy}
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>
            Its data ({formatBytes(deleting.allocation)} allocated) is destroyed; this cannot be undone. A
            volume that a VM uses cannot be deleted.
          </p>
        </ConfirmDialog>
      )}
      {resizing && <ResizeDialog pool={pool} volume={resizing} onClose={() => setResizing(null)} />}
    </div>
  );
}

function CreateVolumeForm(props: { pool: PoolSummary }) {
  const api = useApi();
  const [name, setName] = useState('');
  const [format, setFormat] = useState<VolumeFormat>('qcow2');
  const [size, setSize] = useState('10');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const finalName = withExtension(name.trim(), format);
  const nameError = volumeNameError(finalName, format);
  const sizeGiB = parseGiB(size);
  const sizeError =
    sizeGiB === null
      ? 'A size in GiB, more than 0.'
      : // qcow2 is thin, but raw files and LVM volumes take their whole size
        format === 'raw' && sizeGiB * GiB > props.pool.available
        ? `Only ${formatBytes(props.pool.available)} free.`
        : null;

  async function submit(e: Event) {
    e.preventDefault();
    setTouched(true);
    if (nameError || sizeError || sizeGiB === null) return;
    setBusy(true);
    setError(null);
    try {
      await api.storage.createVolume(props.pool.name, { name: finalName, format, sizeGiB });
      setName('');
      setTouched(false);
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="inline-form" onSubmit={submit} noValidate data-testid="volume-create-form">
      <Field
        id="volume-name"
        label="New volume"
        error={touched ? (nameError ?? undefined) : undefined}
        hint={name.trim() && finalName !== name.trim() ? `as ${finalName}` : undefined}
      >
        <input
          id="volume-name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          data-testid="volume-name"
        />
      </Field>
      <Field id="volume-format" label="Format">
        <select
          id="volume-format"
          value={format}
          onChange={(e) => setFormat(e.currentTarget.value as VolumeFormat)}
          data-testid="volume-format"
        >
          <option value="qcow2">qcow2</option>
          <option value="raw">raw</option>
        </select>
      </Field>
      <Field id="volume-size" label="Size (GiB)" error={touched ? (sizeError ?? undefined) : undefined}>
        <input
          id="volume-size"
          type="number"
          min={1}
          value={size}
          onInput={(e) => setSize(e.currentTarget.value)}
          data-testid="volume-size"
        />
      </Field>
      <BusyButton type="submit" variant="primary" busy={busy} busyText="Creating…" testId="volume-create">
        Create volume
      </BusyButton>
      <ErrorMessage error={error} testId="volume-create-error" />
    </form>
  );
}

function ResizeDialog(props: { pool: PoolSummary; volume: VolumeSummary; onClose: () => void }) {
  const api = useApi();
  const current = props.volume.capacity / GiB;
  const [size, setSize] = useState(String(Math.ceil(current)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const sizeGiB = parseGiB(size);
  const sizeError =
    sizeGiB === null
      ? 'A size in GiB, more than 0.'
      : sizeGiB * GiB <= props.volume.capacity
        ? 'Volumes only grow: enter a larger size.'
        : null;

  async function submit() {
    if (sizeError || sizeGiB === null) return;
    setBusy(true);
    setError(null);
    try {
      await api.storage.resizeVolume(props.pool.name, props.volume.name, sizeGiB);
      props.onClose();
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <FormDialog
      title={`Resize "${props.volume.name}"`}
      submitText="Resize"
      busyText="Resizing…"
      busy={busy}
      error={error}
      onSubmit={() => void submit()}
      onCancel={props.onClose}
      submitTestId="volume-resize-submit"
    >
      <Field
        id="volume-new-size"
        label="New size (GiB)"
        error={sizeError ?? undefined}
        hint={`Now ${formatBytes(props.volume.capacity)}. The guest must grow its partition itself.`}
      >
        <input
          id="volume-new-size"
          type="number"
          min={1}
          value={size}
          onInput={(e) => setSize(e.currentTarget.value)}
          data-testid="volume-new-size"
        />
      </Field>
    </FormDialog>
  );
}
