import type { HubHost } from '@quantix/shared';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { pickTab, type TabDef, Tabs } from '@quantix/shared/ui/components/tabs.tsx';
import { usePageTitle } from '@quantix/shared/ui/hooks/use-page-title.ts';
import { useRoute } from '@quantix/shared/ui/hooks/use-route.ts';
import { HostStateBadge, MaintenanceBadge } from '../../components/host-state-badge.tsx';
import { EventsView } from '../../events/events-view.tsx';
import { hubName } from '../../store/hub-name.ts';
import { useStore } from '../../store/use-store.ts';
import { HostActions } from './host-actions.tsx';
import { HostPoolsTab } from './host-pools-tab.tsx';
import { HostSummaryTab } from './host-summary-tab.tsx';
import { HostVmsTab } from './host-vms-tab.tsx';

type TabId = 'summary' | 'vms' | 'pools' | 'events';
const TABS: readonly TabDef<TabId>[] = [
  { id: 'summary', label: 'Summary', testId: 'tab-summary' },
  { id: 'vms', label: 'VMs', testId: 'tab-vms' },
  { id: 'pools', label: 'Pools', testId: 'tab-pools' },
  { id: 'events', label: 'Events', testId: 'tab-events' },
];

/** One host of the fleet: its state and the admin's actions, then its summary, VMs, pools and events. */
export function HostDetailPage() {
  const route = useRoute();
  const hostId = route.params.hostId ?? '';
  const hosts = useStore((s) => s.hosts);
  const site = useStore((s) => hubName(s.hub.data));
  const host = hosts.data?.find((h) => h.hostId === hostId) ?? null;
  usePageTitle(host?.hostname ?? null, site);
  const tab = pickTab(TABS, route.query.get('tab'));

  if (!hosts.data) {
    return (
      <div class="page" data-testid="page-host">
        <ErrorMessage error={hosts.error} />
        {hosts.loading && <p class="muted">Loading…</p>}
      </div>
    );
  }
  if (!host) {
    return (
      <div class="page page-narrow" data-testid="page-host-missing">
        <h1>No such host</h1>
        <p>
          The hub has no host with this id (it may have been removed). <Link href="/">Back to the fleet</Link>
          .
        </p>
      </div>
    );
  }
  return (
    <div class="page" data-testid="page-host">
      <p class="crumbs">
        <Link href="/">Fleet</Link> / {host.hostname}
      </p>
      <Card
        title={host.hostname}
        testId="host-header"
        actions={
          <>
            <HostStateBadge host={host} /> <MaintenanceBadge host={host} />
          </>
        }
      >
        <StateNotice host={host} />
        <HostActions host={host} />
      </Card>
      <Tabs
        tabs={TABS}
        current={tab}
        onSelect={(t) => route.setQuery({ tab: t === 'summary' ? null : t })}
        label="Host"
      />
      {tab === 'summary' && <HostSummaryTab host={host} />}
      {tab === 'vms' && <HostVmsTab host={host} />}
      {tab === 'pools' && <HostPoolsTab host={host} />}
      {tab === 'events' && (
        <Card title="Events" testId="host-events">
          <EventsView hostId={host.hostId} />
        </Card>
      )}
    </div>
  );
}

/** Why the host is not connected, in words, and what that means. */
function StateNotice(props: { host: HubHost }) {
  const { host } = props;
  const why = host.stateReason ? ` ${host.stateReason}` : '';
  switch (host.state) {
    case 'connected':
      return null;
    case 'pending':
      return (
        <div class="alert alert-info" role="status">
          The host was added; its link has not come up yet.{why}
        </div>
      );
    case 'not-responding':
      return (
        <div class="alert alert-warn" role="status" data-testid="state-notice">
          The host stopped answering; the hub keeps trying. Its figures are the last it sent.{why}
        </div>
      );
    case 'disconnected':
      return (
        <div class="alert alert-warn" role="status" data-testid="state-notice">
          The host revoked this hub and will not connect again.{why} Remove it, or add it again with a new
          token.
        </div>
      );
    case 'cert-changed':
      return (
        <div class="alert alert-error" role="alert" data-testid="state-notice">
          Another certificate answers for this host.{why} The hub sends it nothing until you re-pair it with a
          fresh token — check on the host's console that the new fingerprint is really its own first.
        </div>
      );
  }
}
