import type { VmSummary } from '@quantix/shared';
import { useEffect } from 'preact/hooks';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import {
  HypervisorStatus,
  StaleNote,
  useHypervisorAvailable,
  useReloadWhenHypervisorBack,
} from '../../components/hypervisor-status.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { UsageBar } from '@quantix/shared/ui/components/usage-bar.tsx';
import { formatMiB, formatPercent, percentOf } from '@quantix/shared/ui/format/format-bytes.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import { useVmPower } from '@quantix/shared/ui/vm/use-vm-power.ts';
import { VmRowMenu } from './vm-row-menu.tsx';
import { VmPowerNoticesRow, VmSummaryCells, VmTable } from '@quantix/shared/ui/vm/vm-table.tsx';

export function VmsPage() {
  const api = useApi();
  const vms = useStore((s) => s.vms);
  const available = useHypervisorAvailable();
  useEffect(() => api.vms.watchList(), [api]);
  useReloadWhenHypervisorBack(() => void api.vms.loadList());

  const list = vms.data ?? [];
  // the banner says it already; a list from before libvirt went away would show stale states
  const error = !available && vms.error?.code === 'HYPERVISOR_UNAVAILABLE' ? null : vms.error;
  return (
    <div class="page" data-testid="page-vms">
      <HypervisorStatus />
      <Card
        title="Virtual machines"
        actions={
          <Link href="/vms/new" class="btn btn-primary" testId="create-vm-button">
            Create VM
          </Link>
        }
      >
        <ErrorMessage error={error} testId="vms-error" />
        {vms.data !== null && <StaleNote what="The VMs and their states" />}
        {!available && vms.data === null ? (
          <p class="muted" data-testid="vms-unavailable">
            The VM list cannot be read while the hypervisor is unavailable.
          </p>
        ) : vms.data === null ? (
          <p class="muted">{vms.loading ? 'Loading…' : ''}</p>
        ) : list.length === 0 ? (
          <p class="muted" data-testid="vms-empty">
            No virtual machines on this host yet. <Link href="/vms/new">Create one</Link>.
          </p>
        ) : (
          <VmTable
            testId="vm-list"
            columns={
              <>
                <th class="num">Disks</th>
                <th class="bar-col">CPU</th>
                <th class="bar-col">Memory used</th>
                <th>Autostart</th>
                <th>IP addresses</th>
              </>
            }
          >
            {list.map((vm) => (
              <VmRow key={vm.uuid} vm={vm} />
            ))}
          </VmTable>
        )}
      </Card>
    </div>
  );
}

function VmRow(props: { vm: VmSummary }) {
  const { vm } = props;
  const api = useApi();
  const power = useVmPower(vm, (action) => api.vms.action(vm.uuid, action));
  const memPct = vm.memoryUsedMiB === null ? null : percentOf(vm.memoryUsedMiB, vm.memoryMiB);
  return (
    <>
      <tr data-testid="vm-row" data-vm-name={vm.name} data-state={vm.state} data-uuid={vm.uuid}>
        <VmSummaryCells
          vm={vm}
          name={
            <Link href={`/vms/${vm.uuid}`} testId="vm-link">
              {vm.name}
            </Link>
          }
        />
        <td class="num">{vm.disks}</td>
        <td class="bar-col" data-testid="vm-cpu">
          {vm.cpuPercent === null ? (
            <span class="muted">—</span>
          ) : (
            <>
              <UsageBar percent={vm.cpuPercent} />
              <span class="bar-value">{formatPercent(vm.cpuPercent, 0)}</span>
            </>
          )}
        </td>
        <td class="bar-col" data-testid="vm-memory">
          {vm.memoryUsedMiB === null || memPct === null ? (
            <span class="muted">—</span>
          ) : (
            <>
              <UsageBar percent={memPct} />
              <span class="bar-value bar-value-wide">{formatMiB(vm.memoryUsedMiB)}</span>
            </>
          )}
        </td>
        <td>{vm.autostart ? 'On' : 'Off'}</td>
        {/* the guest agent's answer as the host cached it when the VM's page asked: never fetched here */}
        <td class="mono" data-testid="vm-ips">
          {vm.guestAddresses?.length ? vm.guestAddresses.join(', ') : <span class="muted">—</span>}
        </td>
        <td class="actions">
          <VmRowMenu vm={vm} power={power} />
        </td>
      </tr>
      <VmPowerNoticesRow power={power} name={vm.name} colSpan={10} errorTestId="vm-row-error" />
    </>
  );
}
