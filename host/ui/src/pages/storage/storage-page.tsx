import { useEffect, useState } from 'preact/hooks';
import { Card } from '../../components/card.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import {
  HypervisorStatus,
  useHypervisorAvailable,
  useReloadWhenHypervisorBack,
} from '../../components/hypervisor-status.tsx';
import { LocalDisks } from '../../components/local-disks.tsx';
import { useApi, useStore } from '../../store/use-store.ts';
import { PoolCreateDialog } from './pool-create-dialog.tsx';
import { PoolsTable } from './pools-table.tsx';

export function StoragePage() {
  const api = useApi();
  const pools = useStore((s) => s.pools);
  const hardware = useStore((s) => s.hardware);
  const available = useHypervisorAvailable();
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    void api.storage.loadPools();
    void api.networks.loadHardware();
  }, [api]);
  useReloadWhenHypervisorBack(() => void api.storage.loadPools());

  const error = !available && pools.error?.code === 'HYPERVISOR_UNAVAILABLE' ? null : pools.error;
  return (
    <div class="page" data-testid="page-storage">
      <HypervisorStatus />
      <Card
        title="Storage pools"
        actions={
          <button
            type="button"
            class="btn btn-primary"
            disabled={!available}
            onClick={() => setCreating(true)}
            data-testid="create-pool-button"
          >
            Create pool
          </button>
        }
      >
        <ErrorMessage error={error} testId="pools-error" />
        {!available ? (
          <p class="muted" data-testid="pools-unavailable">
            Storage pools cannot be read while the hypervisor is unavailable.
          </p>
        ) : pools.data === null ? (
          <p class="muted">{pools.loading ? 'Loading…' : ''}</p>
        ) : pools.data.length === 0 ? (
          <p class="muted" data-testid="pools-empty">
            No storage pools. Create one to hold VM disks and ISO images.
          </p>
        ) : (
          <PoolsTable pools={pools.data} />
        )}
      </Card>
      <Card title="Local disks" testId="local-disks-card">
        <ErrorMessage error={hardware.error} testId="hardware-error" />
        {hardware.data ? (
          <LocalDisks disks={hardware.data.disks} />
        ) : (
          <p class="muted">{hardware.loading ? 'Loading…' : ''}</p>
        )}
      </Card>
      {creating && <PoolCreateDialog onClose={() => setCreating(false)} />}
    </div>
  );
}
