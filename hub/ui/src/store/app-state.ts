import type {
  Enrollment,
  EventLevel,
  FileListing,
  HostEvent,
  HubHost,
  HubInfo,
  PlacementCandidate,
  SharedPool,
  VmSummary,
} from '@quantix/shared';
import { idle, initialShellState } from '@quantix/shared/ui/store/shell-state.ts';
import type { Loadable, ShellState } from '@quantix/shared/ui/store/shell-state.ts';
import type { TelemetryView } from '@quantix/shared/ui/store/telemetry-window.ts';

/** The events shown: hub actions and host events together, optionally of one host. */
export interface EventFilter {
  /** '' for every host (and the hub's own events) */
  readonly hostId: string;
  readonly level: EventLevel | '';
  readonly limit: number;
}

/** The hub UI's state: the shell's (boot, session, location, socket) and the hub's pages'. */
export interface AppState extends ShellState {
  readonly hub: Loadable<HubInfo>;
  /** the fleet, kept live by `host:changed` from sign-in on: every page names hosts */
  readonly hosts: Loadable<readonly HubHost[]>;
  /** the host detail page's VMs; check `hostId` against the page's */
  readonly hostVms: Loadable<{ readonly hostId: string; readonly vms: readonly VmSummary[] }>;
  /** the watched host's live samples (`host:watch`) */
  readonly telemetry: TelemetryView & { readonly hostId: string | null };
  /** the shared pools, kept live by `pool:changed` from sign-in on */
  readonly pools: Loadable<readonly SharedPool[]>;
  /** the pool page's Files tab: one directory of the pool as one host sees it */
  readonly files: Loadable<{ readonly pool: string; readonly hostId: string; readonly listing: FileListing }>;
  /** the VM wizard's hosts for the chosen pools (`pools`: their names, comma-separated) */
  readonly placement: Loadable<{
    readonly pools: string;
    readonly candidates: readonly PlacementCandidate[];
  }>;
  readonly enrollments: Loadable<readonly Enrollment[]>;
  readonly events: Loadable<readonly HostEvent[]> & { readonly filter: EventFilter };
}

export function initialState(location: { path: string; search: string }): AppState {
  return {
    ...initialShellState(location),
    hub: idle(),
    hosts: idle(),
    hostVms: idle(),
    telemetry: { hostId: null, samples: [], error: null },
    pools: idle(),
    files: idle(),
    placement: idle(),
    enrollments: idle(),
    events: { ...idle(), filter: { hostId: '', level: '', limit: 100 } },
  };
}

/**
 * What must not outlive a session (the fleet, the pools) — dropped at logout; the events' filter
 * stays (the shell keeps its own state).
 */
export function withoutSessionData(s: AppState): AppState {
  const fresh = initialState(s.location);
  return { ...fresh, events: { ...fresh.events, filter: s.events.filter } };
}
