import { Link } from '@quantix/shared/ui/components/link.tsx';
import { pickTab, type TabDef, Tabs } from '@quantix/shared/ui/components/tabs.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { usePageTitle } from '@quantix/shared/ui/hooks/use-page-title.ts';
import { useRoute } from '@quantix/shared/ui/hooks/use-route.ts';
import { describeDefinition, poolName } from '../../pools/pool-list.ts';
import { hubName } from '../../store/hub-name.ts';
import { useStore } from '../../store/use-store.ts';
import { PoolFilesTab } from './pool-files-tab.tsx';
import { PoolHostsTab } from './pool-hosts-tab.tsx';
import { PoolSettingsTab } from './pool-settings-tab.tsx';

type TabId = 'files' | 'hosts' | 'settings';
const TABS: readonly TabDef<TabId>[] = [
  { id: 'files', label: 'Files', testId: 'tab-files' },
  { id: 'hosts', label: 'Hosts', testId: 'tab-hosts' },
  { id: 'settings', label: 'Settings', testId: 'tab-settings' },
];

export function PoolPage() {
  const route = useRoute();
  const name = route.params.name ?? '';
  const pools = useStore((s) => s.pools);
  const site = useStore((s) => hubName(s.hub.data));
  const pool = pools.data?.find((p) => poolName(p) === name) ?? null;
  usePageTitle(pool ? name : null, site);
  const tab = pickTab(TABS, route.query.get('tab'));

  if (!pools.data) {
    return (
      <div class="page" data-testid="page-pool">
        <ErrorMessage error={pools.error} />
        {pools.loading && <p class="muted">Loading…</p>}
      </div>
    );
  }
  if (!pool) {
    return (
      <div class="page page-narrow" data-testid="page-pool-missing">
        <h1>No such pool</h1>
        <p>
          There is no shared pool "{name}" (it may have been deleted).{' '}
          <Link href="/pools">Back to the pools</Link>.
        </p>
      </div>
    );
  }
  return (
    <div class="page" data-testid="page-pool">
      <p class="crumbs">
        <Link href="/pools">Shared pools</Link> / {name}
      </p>
      <h1>
        {name} <span class="muted mono">{describeDefinition(pool)}</span>
      </h1>
      <Tabs
        tabs={TABS}
        current={tab}
        onSelect={(t) => route.setQuery({ tab: t === 'files' ? null : t, path: null, offset: null })}
        label="Pool"
      />
      {tab === 'files' && <PoolFilesTab pool={pool} />}
      {tab === 'hosts' && <PoolHostsTab pool={pool} />}
      {tab === 'settings' && <PoolSettingsTab pool={pool} />}
    </div>
  );
}
