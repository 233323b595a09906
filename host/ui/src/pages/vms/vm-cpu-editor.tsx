import type { VmDetail } from '@quantix/shared';
import { useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi } from '../../store/use-store.ts';
import { cpuChangeNote, cpuKey, describeVmCpu, parseCpuKey } from '@quantix/shared/ui/vm/cpu-options.ts';
import { CpuSelect, useCpuCapabilities } from './cpu-select.tsx';

/** The VM's CPU in words, and a "Change…" that opens the host's CPU choices. */
export function VmCpuRow(props: { vm: VmDetail }) {
  const { vm } = props;
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <div data-testid="vm-cpu-model">
      <span data-testid="vm-cpu-label">{describeVmCpu(vm.cpu)}</span>{' '}
      {!editing && (
        <button
          type="button"
          class="btn btn-secondary btn-small"
          onClick={() => {
            setNotice(null);
            setEditing(true);
          }}
          data-testid="vm-cpu-change"
        >
          Change…
        </button>
      )}
      {notice && (
        <div class="alert alert-info cpu-saved" role="status" data-testid="vm-cpu-notice">
          {notice}
        </div>
      )}
      {editing && (
        <CpuEditor
          vm={vm}
          onDone={(message) => {
            setEditing(false);
            setNotice(message);
          }}
        />
      )}
    </div>
  );
}

function CpuEditor(props: { vm: VmDetail; onDone: (notice: string | null) => void }) {
  const api = useApi();
  const { vm } = props;
  const caps = useCpuCapabilities();
  const now = cpuKey(vm.cpu);
  const [picked, setPicked] = useState(now);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const cpu = parseCpuKey(picked);

  async function save(e: Event) {
    e.preventDefault();
    if (!cpu || picked === now) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await api.vms.setCpu(vm.uuid, cpu);
      props.onDone(`CPU set to ${describeVmCpu(saved.cpu)}. ${cpuChangeNote(saved.state)}`);
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  return (
    <form class="cpu-editor" onSubmit={save} noValidate data-testid="vm-cpu-editor">
      <div class="field">
        <label for="vm-cpu-select">New CPU</label>
        <CpuSelect
          id="vm-cpu-select"
          caps={caps}
          value={picked}
          onChange={setPicked}
          current={vm.cpu}
          disabled={busy}
        />
        <span class="hint">{cpuChangeNote(vm.state)}</span>
      </div>
      <ErrorMessage error={error} testId="vm-cpu-error" />
      <div class="button-row">
        <BusyButton
          type="submit"
          variant="primary"
          busy={busy}
          busyText="Saving…"
          disabled={!cpu || picked === now}
          testId="vm-cpu-save"
        >
          Save CPU
        </BusyButton>
        <button
          type="button"
          class="btn btn-secondary"
          disabled={busy}
          onClick={() => props.onDone(null)}
          data-testid="vm-cpu-cancel"
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
