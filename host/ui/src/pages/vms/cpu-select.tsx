import type { CpuCapabilities } from '@quantix/shared';
import { useEffect } from 'preact/hooks';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import type { Loadable } from '../../store/app-state.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import {
  choiceNote,
  cpuGroups,
  failedChoices,
  findChoice,
  STATUS_SHORT,
  STATUS_TONE,
} from '@quantix/shared/ui/vm/cpu-options.ts';

const BADGE = { ok: 'badge-ok', error: 'badge-error', neutral: '', info: 'badge-info' } as const;

/** The host's CPU choices, read (and re-read while the host's probe runs) while a select is shown. */
export function useCpuCapabilities(): Loadable<CpuCapabilities> {
  const api = useApi();
  useEffect(() => api.hypervisor.watchCpu(), [api]);
  return useStore((s) => s.cpuCaps);
}

/**
 * A select of the CPUs a VM may get on this host: the host's own modes and the named models, each
 * marked with what the host's probe found; those that do not start here are disabled and listed
 * with why under the select.
 */
export function CpuSelect(props: {
  id: string;
  caps: Loadable<CpuCapabilities>;
  /** a CPU key (cpu-options.ts) */
  value: string;
  onChange: (key: string) => void;
  /** the VM's CPU now, kept as a choice when the host does not list it */
  current?: { mode: string; model: string | null };
  disabled?: boolean;
}) {
  const { caps } = props;
  const data = caps.data;
  if (!data) {
    return (
      <>
        <select id={props.id} disabled data-testid="cpu-select">
          <option>{caps.loading ? 'Reading the CPUs this host offers…' : '—'}</option>
        </select>
        <ErrorMessage error={caps.error} testId="cpu-error" />
      </>
    );
  }
  const groups = cpuGroups(data, props.current);
  const chosen = findChoice(groups, props.value);
  const failed = failedChoices(groups);
  return (
    <>
      <select
        id={props.id}
        value={props.value}
        disabled={props.disabled}
        aria-describedby={`${props.id}-note`}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        data-testid="cpu-select"
      >
        {groups.map((g) => (
          <optgroup key={g.label} label={g.label}>
            {g.choices.map((c) => (
              <option key={c.key} value={c.key} disabled={c.disabled} data-status={c.status}>
                {c.text}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <span class="hint cpu-note" id={`${props.id}-note`} data-testid="cpu-note">
        {chosen && (
          <span class={`badge ${BADGE[STATUS_TONE[chosen.status]]}`} data-testid="cpu-status">
            {chosen.isDefault ? 'default · ' : ''}
            {STATUS_SHORT[chosen.status]}
          </span>
        )}{' '}
        {choiceNote(chosen, data.probing)}
      </span>
      {data.probing && (
        <span class="hint" role="status" data-testid="cpu-probing">
          <span class="spinner" aria-hidden="true" /> This host is still testing which CPUs start guests; the
          list updates by itself.
        </span>
      )}
      {failed.length > 0 && (
        <details class="hint cpu-failed" open data-testid="cpu-failed">
          <summary>
            {failed.length === 1 ? '1 CPU does' : `${failed.length} CPUs do`} not start on this host
          </summary>
          <ul class="plain-list">
            {failed.map((c) => (
              <li key={c.key}>
                <strong>{c.label}</strong>: {c.reason ?? 'the test guest did not start'}
              </li>
            ))}
          </ul>
        </details>
      )}
      {data.virtType === 'qemu' && (
        <span class="hint">This host has no KVM: guests run in software emulation (slow).</span>
      )}
    </>
  );
}
