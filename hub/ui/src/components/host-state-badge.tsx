import type { HubHost } from '@quantix/shared';
import { STATE_BADGE, STATE_LABEL } from '../fleet/host-states.ts';

/** The link state, with the reason (revoked, another certificate) as its tooltip. */
export function HostStateBadge(props: { host: HubHost }) {
  const { state, stateReason } = props.host;
  return (
    <span
      class={`badge ${STATE_BADGE[state] ?? ''}`}
      title={stateReason ?? undefined}
      data-testid="host-state"
      data-state={state}
    >
      {STATE_LABEL[state] ?? state}
    </span>
  );
}

export function MaintenanceBadge(props: { host: HubHost }) {
  if (!props.host.maintenance) return null;
  return (
    <span class="badge badge-warning" data-testid="host-maintenance" title="Gets no new VMs">
      Maintenance
    </span>
  );
}
