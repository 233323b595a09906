import { LibvirtListPage } from '../../components/libvirt-list-page.tsx';
import { LocalDisks } from '@quantix/shared/ui/inventory/local-disks.tsx';
import { useApi, useStore } from '../../store/use-store.ts';
import { PoolCreateDialog } from './pool-create-dialog.tsx';
import { PoolsTable } from './pools-table.tsx';

export function StoragePage() {
  const api = useApi();
  const pools = useStore((s) => s.pools);
  return (
    <LibvirtListPage
      testId="page-storage"
      title="Storage pools"
      createText="Create pool"
      createTestId="create-pool-button"
      list={pools}
      load={() => api.storage.loadPools()}
      errorTestId="pools-error"
      unavailable={
        <p class="muted" data-testid="pools-unavailable">
          Storage pools cannot be read while the hypervisor is unavailable.
        </p>
      }
      empty={
        <p class="muted" data-testid="pools-empty">
          No storage pools. Create one to hold VM disks and ISO images.
        </p>
      }
      table={(data) => <PoolsTable pools={data} />}
      hardwareTitle="Local disks"
      hardwareTestId="local-disks-card"
      hardware={(hw) => <LocalDisks disks={hw.disks} />}
      dialog={(onClose) => <PoolCreateDialog onClose={onClose} />}
    />
  );
}
