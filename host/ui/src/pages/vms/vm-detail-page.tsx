import { useEffect } from 'preact/hooks';
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
import { VmDisksTab, VmNetworkTab } from './vm-config-tabs.tsx';
import { VmHardwarePanel } from './vm-hardware-tab.tsx';
import { VmConsole } from './vm-console.tsx';
import { VmSerialConsole } from './vm-serial-console.tsx';
import { HistoryPanel } from '../../components/history-panel.tsx';
import { VmGuestCard } from './vm-guest-card.tsx';
import { VmLogTab } from './vm-log-tab.tsx';
import { VmSnapshotsTab } from './vm-snapshots-tab.tsx';
import { VmSummaryCard } from './vm-summary-card.tsx';
import { VmTagsEditor } from './vm-tags-editor.tsx';
import { VmTasks } from './vm-tasks.tsx';
import { VmXmlTab } from './vm-xml-tab.tsx';

type TabId =
  | 'hardware'
  | 'disks'
  | 'network'
  | 'snapshots'
  | 'console'
  // slice-hist: the serial console and the metrics history
  | 'serial'
  | 'history'
  | 'log'
  | 'xml';
const TABS: readonly TabDef<TabId>[] = [
  { id: 'hardware', label: 'Hardware', testId: 'vm-tab-hardware' },
  { id: 'disks', label: 'Disks', testId: 'vm-tab-disks' },
  { id: 'network', label: 'Network', testId: 'vm-tab-network' },
  { id: 'snapshots', label: 'Snapshots', testId: 'vm-tab-snapshots' },
  { id: 'console', label: 'Console', testId: 'vm-tab-console' },
  { id: 'serial', label: 'Serial console', testId: 'vm-tab-serial' },
  { id: 'history', label: 'History', testId: 'vm-tab-history' },
  { id: 'log', label: 'Log', testId: 'vm-tab-log' },
  { id: 'xml', label: 'XML', testId: 'vm-tab-xml' },
];

export function VmDetailPage() {
  const api = useApi();
  const route = useRoute();
  const uuid = route.params.uuid ?? '';
  const state = useStore((s) => s.vm);
  useEffect(() => api.vms.watchDetail(uuid), [api, uuid]);
  useReloadWhenHypervisorBack(() => void api.vms.loadDetail(uuid));

  const vm = state.data?.uuid === uuid ? state.data : null;
  usePageTitle(vm?.name ?? null);
  const tab = pickTab(TABS, route.query.get('tab'));

  if (!vm) {
    return (
      <div class="page" data-testid="vm-detail">
        <HypervisorStatus />
        <div class="crumbs">
          <Link href="/vms">Virtual machines</Link>
        </div>
        <ErrorMessage error={state.error} testId="vm-error" />
        {state.loading && <p class="muted">Loading…</p>}
      </div>
    );
  }

  return (
    <div class="page" data-testid="vm-detail" data-vm-name={vm.name} data-state={vm.state}>
      <HypervisorStatus />
      <div class="crumbs">
        <Link href="/vms">Virtual machines</Link> <span class="muted">/</span> {vm.name}
      </div>
      <LoadError error={state.error} testId="vm-error" />
      <VmSummaryCard vm={vm} onDeleted={() => api.nav.navigate('/vms')} />
      <VmTagsEditor vm={vm} />
      <VmTasks uuid={vm.uuid} />
      <VmGuestCard vm={vm} />
      <section class="card" aria-label="VM details">
        <Tabs tabs={TABS} current={tab} onSelect={(id) => route.setQuery({ tab: id })} label="VM details" />
        <div class="card-body" role="tabpanel">
          {tab === 'hardware' && <VmHardwarePanel vm={vm} />}
          {tab === 'disks' && <VmDisksTab vm={vm} />}
          {tab === 'network' && <VmNetworkTab vm={vm} />}
          {tab === 'snapshots' && <VmSnapshotsTab vm={vm} />}
          {tab === 'console' && <VmConsole vm={vm} />}
          {tab === 'serial' && <VmSerialConsole vm={vm} />}
          {tab === 'history' && <HistoryPanel historyKey={vm.uuid} title="Metrics history" />}
          {tab === 'log' && <VmLogTab name={vm.name} />}
          {tab === 'xml' && <VmXmlTab uuid={vm.uuid} />}
        </div>
      </section>
    </div>
  );
}
