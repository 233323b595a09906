import type { PlacementCandidate } from '@quantix/shared';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { formatBytes } from '@quantix/shared/ui/format/format-bytes.ts';
import type { ErrorInfo } from '@quantix/shared/ui/store/shell-state.ts';
import type { IsoOption } from '@quantix/shared/ui/vm/wizard-form.ts';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { poolName } from '../../pools/pool-list.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import { orderCandidates, pickHost } from '../../vms/placement-order.ts';
import { emptyHubVmForm, type HubVmForm, toHubVmRequest, validateHubVm } from '../../vms/hub-vm-form.ts';
import { VmDetailsFields } from './vm-details-fields.tsx';

/**
 * A VM placed by the hub: the shared pools come first, since they decide which hosts may take it
 * (the hub answers with every host and why it may not); then the host, then the VM itself.
 */
export function VmWizardPage() {
  const api = useApi();
  const pools = useStore((s) => s.pools);
  const hosts = useStore((s) => s.hosts.data);
  const placement = useStore((s) => s.placement);
  const [form, setForm] = useState<HubVmForm>(emptyHubVmForm);
  const [isos, setIsos] = useState<IsoOption[]>([]);
  const [isoError, setIsoError] = useState<ErrorInfo | null>(null);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const key = form.pools.join(',');

  useEffect(() => {
    if (form.pools.length > 0) void api.vms.loadPlacement(form.pools);
  }, [api, key]);
  const current = placement.data?.pools === key ? placement.data.candidates : null;
  const { eligible, refused } = useMemo(() => orderCandidates(current ?? []), [current]);

  // the chosen host stays chosen while it may take the VM; otherwise the one with most free memory
  useEffect(() => {
    if (!current) return;
    const hostId = pickHost(eligible, form.hostId);
    if (hostId !== form.hostId) setForm((f) => ({ ...f, hostId }));
  }, [current]);
  useEffect(() => {
    setIsos([]);
    setIsoError(null);
    if (!form.hostId || form.pools.length === 0) return;
    let live = true;
    api.vms.listIsos(form.hostId, form.pools).then(
      (list) => live && setIsos(list),
      (err) => live && setIsoError(toErrorInfo(err)),
    );
    return () => {
      live = false;
    };
  }, [api, form.hostId, key]);

  const host = hosts?.find((h) => h.hostId === form.hostId) ?? null;
  const errors = validateHubVm(form, { hostPools: host?.status?.pools ?? [], isos });
  const shown = touched ? errors : {};

  function togglePool(name: string, on: boolean) {
    setForm((f) => {
      const chosen = on ? [...f.pools, name].sort() : f.pools.filter((p) => p !== name);
      const diskPool = chosen.includes(f.diskPool) ? f.diskPool : (chosen[0] ?? '');
      const cdrom = chosen.includes(f.cdrom.split('/')[0] ?? '') ? f.cdrom : '';
      return { ...f, pools: chosen, diskPool, cdrom };
    });
  }

  async function create() {
    setTouched(true);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      await api.vms.create(toHubVmRequest(form));
      api.nav.navigate(`/hosts/${form.hostId}?tab=vms`);
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }

  const poolList = pools.data ?? [];
  return (
    <div class="page page-form" data-testid="page-vm-new">
      <h1>New VM</h1>
      <Card title="1. Shared pools" testId="wizard-pools">
        <ErrorMessage error={pools.error} />
        {pools.data && poolList.length === 0 ? (
          <p class="muted">
            The hub places VMs on shared pools. <Link href="/pools">Create one</Link> and assign it to hosts
            first.
          </p>
        ) : (
          <div class="field">
            {poolList.map((p) => {
              const name = poolName(p);
              const active = p.assignments.filter((a) => a.state === 'active').length;
              return (
                <label key={name} class="check">
                  <input
                    type="checkbox"
                    checked={form.pools.includes(name)}
                    onChange={(e) => togglePool(name, e.currentTarget.checked)}
                    data-testid="wizard-pool"
                    data-name={name}
                  />
                  <span class="mono">{name}</span>
                  <span class="muted">
                    active on {active} host{active === 1 ? '' : 's'}
                  </span>
                </label>
              );
            })}
            {shown.pools && <span class="field-error">{shown.pools}</span>}
          </div>
        )}
      </Card>
      {form.pools.length > 0 && (
        <Card title="2. Host" testId="wizard-hosts">
          <ErrorMessage error={placement.error} testId="placement-error" />
          {!current ? (
            <p class="muted">{placement.loading ? 'Asking the hub which hosts may take it…' : ''}</p>
          ) : current.length === 0 ? (
            <p class="muted">The fleet has no hosts.</p>
          ) : (
            <ul class="candidate-list" data-testid="candidates">
              {eligible.map((c) => (
                <Candidate
                  key={c.hostId}
                  c={c}
                  checked={form.hostId === c.hostId}
                  onPick={(hostId) => setForm({ ...form, hostId })}
                />
              ))}
              {refused.map((c) => (
                <Candidate key={c.hostId} c={c} checked={false} onPick={() => {}} />
              ))}
            </ul>
          )}
          {current && eligible.length === 0 && (
            <p class="field-error" data-testid="no-eligible-host">
              No host may take a VM on {form.pools.length === 1 ? 'this pool' : 'these pools'}: see why above.
            </p>
          )}
        </Card>
      )}
      {form.hostId && (
        <Card title="3. The VM" testId="wizard-details">
          <VmDetailsFields
            form={form}
            errors={shown}
            isos={isos}
            onChange={(change) => setForm({ ...form, ...change })}
          />
          <ErrorMessage error={isoError} testId="iso-error" />
        </Card>
      )}
      <ErrorMessage error={error} testId="create-error" />
      <div class="wizard-actions">
        <BusyButton
          variant="primary"
          busy={busy}
          busyText="Creating…"
          disabled={form.hostId === ''}
          onClick={() => void create()}
          testId="wizard-create"
        >
          Create VM
        </BusyButton>
        {touched && Object.keys(errors).length > 0 && (
          <span class="field-error">Some fields need attention.</span>
        )}
      </div>
    </div>
  );
}

/** One host: a choice when it may take the VM, greyed with the hub's reasons when not. */
function Candidate(props: { c: PlacementCandidate; checked: boolean; onPick: (hostId: string) => void }) {
  const { c } = props;
  const refused = c.refusals.length > 0;
  return (
    <li
      class={refused ? 'candidate-refused' : ''}
      data-testid="candidate"
      data-host-id={c.hostId}
      data-eligible={!refused}
    >
      <label class="check">
        <input
          type="radio"
          name="wizard-host"
          checked={props.checked}
          disabled={refused}
          onChange={() => props.onPick(c.hostId)}
        />
        <strong>{c.hostname}</strong>
        <span class="muted">{formatBytes(c.freeMemoryBytes)} memory free</span>
      </label>
      {refused && (
        <ul class="plain-list hint" data-testid="refusals">
          {c.refusals.map((r) => (
            <li key={r.reason}>{r.message}</li>
          ))}
        </ul>
      )}
    </li>
  );
}
