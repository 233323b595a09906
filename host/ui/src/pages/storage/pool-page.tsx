import { useEffect } from 'preact/hooks';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import {
  HypervisorStatus,
  LoadError,
  useReloadWhenHypervisorBack,
} from '../../components/hypervisor-status.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { pickTab, type TabDef, Tabs } from '@quantix/shared/ui/components/tabs.tsx';
import { usePageTitle } from '../../hooks/use-page-title.ts';
import { useRoute } from '@quantix/shared/ui/hooks/use-route.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import { FilesTab } from './files-tab.tsx';
import { PoolCapacity } from './pools-table.tsx';
import { VolumesTab } from './volumes-tab.tsx';

type TabId = 'volumes' | 'files';
const TABS: readonly TabDef<TabId>[] = [
  { id: 'volumes', label: 'Volumes', testId: 'pool-tab-volumes' },
  { id: 'files', label: 'Files', testId: 'pool-tab-files' },
];

export function PoolPage() {
  const api = useApi();
  const route = useRoute();
  const name = route.params.pool ?? '';
  const pools = useStore((s) => s.pools);
  useEffect(() => {
    void api.storage.loadPools();
  }, [api]);
  useReloadWhenHypervisorBack(() => void api.storage.loadPools());
  const pool = pools.data?.find((p) => p.name === name) ?? null;
  const tab = pickTab(TABS, route.query.get('tab'));
  usePageTitle(name || null);

  return (
    <div class="page" data-testid="page-pool" data-pool-name={name}>
      <HypervisorStatus />
      <div class="crumbs">
        <Link href="/storage">Storage</Link> <span class="muted">/</span> {name}
      </div>
      <LoadError error={pools.error} testId="pools-error" />
      {pools.data && !pool && (
        <ErrorMessage error={{ code: 'POOL_NOT_FOUND', message: `There is no storage pool "${name}".` }} />
      )}
      {pool && (
        <>
          <Card title={`Pool ${pool.name}`} testId="pool-summary">
            <dl class="kv kv-cols">
              <dt>Type</dt>
              <dd>{pool.type}</dd>
              <dt>State</dt>
              <dd data-testid="pool-state">{pool.state}</dd>
              <dt>Path</dt>
              <dd class="mono">{pool.path ?? '—'}</dd>
              <dt>Autostart</dt>
              <dd>{pool.autostart ? 'on' : 'off'}</dd>
              <dt>Capacity</dt>
              <dd>
                <PoolCapacity pool={pool} />
              </dd>
            </dl>
          </Card>
          <section class="card" aria-label="Pool contents">
            <Tabs
              tabs={TABS}
              current={tab}
              onSelect={(id) => route.setQuery({ tab: id, path: null, offset: null })}
              label="Pool contents"
            />
            <div class="card-body" role="tabpanel">
              {pool.state !== 'running' ? (
                <p class="muted">Start the pool to see what is in it.</p>
              ) : tab === 'volumes' ? (
                <VolumesTab pool={pool} />
              ) : (
                <FilesTab pool={pool} />
              )}
            </div>
          </section>
        </>
      )}
    </div>
  );
}
