import type { HubHost, VmSummary } from '@quantix/shared';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { formatPercent } from '@quantix/shared/ui/format/format-bytes.ts';
import { useVmPower } from '@quantix/shared/ui/vm/use-vm-power.ts';
import { VmPowerMenu } from '@quantix/shared/ui/vm/vm-power-menu.tsx';
import { VmPowerNoticesRow, VmSummaryCells, VmTable } from '@quantix/shared/ui/vm/vm-table.tsx';
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
        <VmTable testId="host-vms-table" columns={<th class="num">CPU</th>}>
          {list.map((vm) => (
            <VmRow key={vm.uuid} vm={vm} hostId={host.hostId} />
          ))}
        </VmTable>
      )}
    </Card>
  );
}

function VmRow(props: { vm: VmSummary; hostId: string }) {
  const api = useApi();
  const { vm } = props;
  const power = useVmPower(vm, (action) => api.hosts.vmAction(props.hostId, vm.uuid, action));
  return (
    <>
      <tr data-testid="vm-row" data-vm-name={vm.name} data-state={vm.state}>
        <VmSummaryCells vm={vm} />
        <td class="num">{vm.cpuPercent === null ? '—' : formatPercent(vm.cpuPercent)}</td>
        <td class="actions">
          <VmPowerMenu vm={vm} power={power} />
        </td>
      </tr>
      <VmPowerNoticesRow power={power} name={vm.name} colSpan={6} errorTestId="vm-power-error" />
    </>
  );
}
