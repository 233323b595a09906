import type { NetworkSummary } from '@quantix/shared';
import { useEffect } from 'preact/hooks';
import { HostInterfaces } from '@quantix/shared/ui/inventory/host-interfaces.tsx';
import { LibvirtListPage } from '../../components/libvirt-list-page.tsx';
import { AutostartCell, RowError, StartStopDelete, useRowAction } from '../../components/row-actions.tsx';
import { useApi, useStore } from '../../store/use-store.ts';
import { networkDeleteConfirmation, networkStopConfirmation } from './network-confirm.ts';
import { NetworkCreateDialog } from './network-create-dialog.tsx';

export function NetworksPage() {
  const api = useApi();
  const networks = useStore((s) => s.networks);
  // addresses and links change without an event: re-read while the page is open and visible
  useEffect(() => api.networks.watchInterfaces(), [api]);
  return (
    <LibvirtListPage
      testId="page-networks"
      title="Virtual networks"
      createText="Create network"
      createTestId="create-network-button"
      list={networks}
      load={() => api.networks.load()}
      errorTestId="networks-error"
      unavailable={<p class="muted">Virtual networks cannot be read while the hypervisor is unavailable.</p>}
      empty={
        <p class="muted" data-testid="networks-empty">
          No virtual networks. VMs can still join a host bridge.
        </p>
      }
      table={(data) => <NetworksTable networks={data} />}
      hardwareTitle="Host interfaces"
      hardwareTestId="host-interfaces-card"
      hardware={(hw) => <HostInterfaces interfaces={hw.networkInterfaces} />}
      dialog={(onClose) => <NetworkCreateDialog onClose={onClose} />}
    />
  );
}

function NetworksTable(props: { networks: readonly NetworkSummary[] }) {
  return (
    <table class="table" data-testid="network-list">
      <thead>
        <tr>
          <th>Name</th>
          <th>State</th>
          <th>Mode</th>
          <th>Bridge</th>
          <th>IPv4</th>
          <th>Autostart</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {props.networks.map((n) => (
          <NetworkRow key={n.uuid} net={n} />
        ))}
      </tbody>
    </table>
  );
}

function NetworkRow(props: { net: NetworkSummary }) {
  const api = useApi();
  const { net } = props;
  const row = useRowAction();
  return (
    <>
      <tr data-testid="network-row" data-network-name={net.name} data-active={String(net.active)}>
        <td>{net.name}</td>
        <td>
          <span class={`badge ${net.active ? 'badge-ok' : ''}`}>{net.active ? 'active' : 'inactive'}</span>
        </td>
        <td>{net.mode}</td>
        <td class="mono">{net.bridge ?? '—'}</td>
        <td class="mono">{net.ipv4 ?? '—'}</td>
        <AutostartCell
          row={row}
          name={net.name}
          checked={net.autostart}
          testId="network-autostart"
          onSet={(on) => api.networks.setAutostart(net.name, on)}
        />
        <StartStopDelete
          row={row}
          kind="network"
          active={net.active}
          onToggle={(verb) => api.networks.action(net.name, verb)}
          onDelete={() => api.networks.remove(net.name)}
          stopConfirmation={networkStopConfirmation(net.name)}
          deleteConfirmation={networkDeleteConfirmation(net.name)}
        />
      </tr>
      <RowError row={row} name={net.name} colSpan={7} testId="network-row-error" />
    </>
  );
}
