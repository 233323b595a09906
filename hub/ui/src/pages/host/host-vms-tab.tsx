import type { HubHost, VmSummary } from '@quantix/shared';
import { ActionMenu, type MenuItem } from '@quantix/shared/ui/components/action-menu.tsx';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { formatMiB, formatPercent } from '@quantix/shared/ui/format/format-bytes.ts';
import { useVmPower } from '@quantix/shared/ui/vm/use-vm-power.ts';
import {
  ACTION_BUSY,
  ACTION_ORDER,
  actionButtonLabel,
  isActionAllowed,
} from '@quantix/shared/ui/vm/vm-actions.ts';
import { VmPowerNotices } from '@quantix/shared/ui/vm/vm-power-notices.tsx';
import { VmStateBadge } from '@quantix/shared/ui/vm/vm-state-badge.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { useEffect } from 'preact/hooks';
import { useApi, useStore } from '../../store/use-store.ts';

/**
 * The host's VMs, read through the hub. Read again when the host's status says its VMs changed
 * (a count or the running number), so a VM started elsewhere shows without polling.
 */
export function HostVmsTab(props: { host: HubHost }) {
  const api = useApi();
  const { host } = props;
  const vms = useStore((s) => s.hostVms);
  const total = host.status?.vms.total;
  const running = host.status?.vms.running;
  useEffect(() => {
    void api.hosts.loadVms(host.hostId);
  }, [api, host.hostId, total, running]);
  const list = vms.data?.hostId === host.hostId ? vms.data.vms : null;

  return (
    <Card
      title="Virtual machines"
      testId="host-vms"
      actions={
        <Link href="/vms/new" class="btn btn-secondary btn-small">
          New VM
        </Link>
      }
    >
      <ErrorMessage error={vms.error} testId="host-vms-error" />
      {list === null ? (
        <p class="muted">{vms.loading ? 'Loading…' : ''}</p>
      ) : list.length === 0 ? (
        <p class="muted" data-testid="host-vms-empty">
          No VMs on this host.
        </p>
      ) : (
        <table class="table" data-testid="host-vms-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>State</th>
              <th class="num">vCPUs</th>
              <th class="num">Memory</th>
              <th class="num">CPU</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((vm) => (
              <VmRow key={vm.uuid} vm={vm} hostId={host.hostId} />
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function VmRow(props: { vm: VmSummary; hostId: string }) {
  const api = useApi();
  const { vm } = props;
  const power = useVmPower(vm, (action) => api.hosts.vmAction(props.hostId, vm.uuid, action));
  const items: MenuItem[] = ACTION_ORDER.map((a) => ({
    label: actionButtonLabel(a),
    testId: `vm-action-${a}`,
    disabled: !isActionAllowed(a, vm.state),
    onSelect: () => power.request(a),
  }));
  const busyAction = ACTION_ORDER.find((a) => a === power.busy);
  return (
    <>
      <tr data-testid="vm-row" data-vm-name={vm.name} data-state={vm.state}>
        <td>{vm.name}</td>
        <td>
          <VmStateBadge state={vm.state} />
        </td>
        <td class="num">{vm.vcpus}</td>
        <td class="num">{formatMiB(vm.memoryMiB)}</td>
        <td class="num">{vm.cpuPercent === null ? '—' : formatPercent(vm.cpuPercent)}</td>
        <td class="actions">
          <ActionMenu
            items={items}
            busyText={busyAction ? ACTION_BUSY[busyAction] : null}
            testId="vm-actions"
          />
        </td>
      </tr>
      {(power.error || power.shutdown !== 'idle' || power.confirming) && (
        <tr class="row-error">
          <td colSpan={6}>
            <VmPowerNotices power={power} name={vm.name} errorTestId="vm-power-error" inRow />
          </td>
        </tr>
      )}
    </>
  );
}
