import type { NetworkSummary } from '@quantix/shared';
import { useEffect, useState } from 'preact/hooks';
import { toErrorInfo } from '../../api/api-error.ts';
import { Card } from '../../components/card.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { HostInterfaces } from '../../components/host-interfaces.tsx';
import {
  HypervisorStatus,
  useHypervisorAvailable,
  useReloadWhenHypervisorBack,
} from '../../components/hypervisor-status.tsx';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import { NetworkCreateDialog } from './network-create-dialog.tsx';

export function NetworksPage() {
  const api = useApi();
  const networks = useStore((s) => s.networks);
  const hardware = useStore((s) => s.hardware);
  const available = useHypervisorAvailable();
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    void api.networks.load();
    void api.networks.loadHardware();
  }, [api]);
  useReloadWhenHypervisorBack(() => void api.networks.load());

  const error = !available && networks.error?.code === 'HYPERVISOR_UNAVAILABLE' ? null : networks.error;
  return (
    <div class="page" data-testid="page-networks">
      <HypervisorStatus />
      <Card
        title="Virtual networks"
        actions={
          <button
            type="button"
            class="btn btn-primary"
            disabled={!available}
            onClick={() => setCreating(true)}
            data-testid="create-network-button"
          >
            Create network
          </button>
        }
      >
        <ErrorMessage error={error} testId="networks-error" />
        {!available ? (
          <p class="muted">Virtual networks cannot be read while the hypervisor is unavailable.</p>
        ) : networks.data === null ? (
          <p class="muted">{networks.loading ? 'Loading…' : ''}</p>
        ) : networks.data.length === 0 ? (
          <p class="muted" data-testid="networks-empty">
            No virtual networks. VMs can still join a host bridge.
          </p>
        ) : (
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
              {networks.data.map((n) => (
                <NetworkRow key={n.uuid} net={n} />
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="Host interfaces" testId="host-interfaces-card">
        <ErrorMessage error={hardware.error} testId="hardware-error" />
        {hardware.data ? (
          <HostInterfaces interfaces={hardware.data.networkInterfaces} />
        ) : (
          <p class="muted">{hardware.loading ? 'Loading…' : ''}</p>
        )}
      </Card>
      {creating && <NetworkCreateDialog onClose={() => setCreating(false)} />}
    </div>
  );
}

function NetworkRow(props: { net: NetworkSummary }) {
  const api = useApi();
  const { net } = props;
  const [busy, setBusy] = useState<'start' | 'stop' | 'autostart' | 'delete' | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [confirming, setConfirming] = useState(false);

  async function act(kind: NonNullable<typeof busy>, run: () => Promise<void>) {
    setBusy(kind);
    setError(null);
    try {
      await run();
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(null);
      setConfirming(false);
    }
  }

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
        <td>
          <input
            type="checkbox"
            aria-label={`Start ${net.name} with the host`}
            checked={net.autostart}
            disabled={busy !== null}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              void act('autostart', () => api.networks.setAutostart(net.name, on));
            }}
            data-testid="network-autostart"
          />
        </td>
        <td class="actions nowrap">
          <button
            type="button"
            class="btn btn-secondary btn-small"
            disabled={busy !== null}
            onClick={() =>
              void act(net.active ? 'stop' : 'start', () =>
                api.networks.action(net.name, net.active ? 'stop' : 'start'),
              )
            }
            data-testid={net.active ? 'network-stop' : 'network-start'}
          >
            {busy === 'start' ? 'Starting…' : busy === 'stop' ? 'Stopping…' : net.active ? 'Stop' : 'Start'}
          </button>{' '}
          <button
            type="button"
            class="btn btn-danger btn-small"
            disabled={busy !== null}
            onClick={() => setConfirming(true)}
            data-testid="network-delete"
          >
            Delete
          </button>
        </td>
      </tr>
      {error && (
        <tr class="row-error">
          <td colSpan={7}>
            <ErrorMessage
              error={{ ...error, message: `${net.name}: ${error.message}` }}
              testId="network-row-error"
            />
          </td>
        </tr>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Delete network "${net.name}"?`}
          confirmText="Delete network"
          busyText="Deleting…"
          busy={busy === 'delete'}
          onConfirm={() => void act('delete', () => api.networks.remove(net.name))}
          onCancel={() => setConfirming(false)}
        >
          <p>VMs connected to it lose that network interface's connectivity.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
