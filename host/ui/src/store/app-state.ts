import type {
  CpuCapabilities,
  EventCategory,
  EventLevel,
  FileListing,
  HardwareReport,
  HostEvent,
  HostSummary,
  HubSummary,
  HypervisorStatus,
  LogSources,
  MintedToken,
  NetworkSummary,
  PoolSummary,
  SnapshotSummary,
  Task,
  TaskProgress,
  TaskSummary,
  VmDetail,
  VmHardware,
  VmSummary,
  VolumeList,
  VolumeSummary,
} from '@quantix/shared';
import type { TelemetryView } from '@quantix/shared/ui/store/telemetry-window.ts';
import { idle, initialShellState } from '@quantix/shared/ui/store/shell-state.ts';
import type { Loadable, ShellState } from '@quantix/shared/ui/store/shell-state.ts';
import { initialLogView, type LogView } from './log-view.ts';

export type { ConnectionStatus, ErrorInfo, Loadable } from '@quantix/shared/ui/store/shell-state.ts';
export { idle };

export interface EventFilter {
  readonly level: EventLevel | '';
  readonly category: EventCategory | '';
  readonly limit: number;
}

/** The host UI's state: the shell's (boot, session, location, socket) and the host's pages'. */
export interface AppState extends ShellState {
  readonly host: Loadable<HostSummary>;
  readonly telemetry: TelemetryView;
  readonly token: Loadable<MintedToken | null>;
  readonly hubs: Loadable<readonly HubSummary[]>;
  readonly events: Loadable<readonly HostEvent[]> & { readonly filter: EventFilter };
  /** null until the first `GET /hypervisor` or `hypervisor:status` */
  readonly hypervisor: HypervisorStatus | null;
  readonly vms: Loadable<readonly VmSummary[]>;
  /** the VM detail page's VM; check `data.uuid` against the page's */
  readonly vm: Loadable<VmDetail>;
  readonly vmXml: Loadable<{ readonly uuid: string; readonly xml: string }>;
  /** the VM page's Hardware tab (live and persistent definitions); check `data.uuid` */
  readonly vmHardware: Loadable<VmHardware>;
  readonly snapshots: Loadable<{ readonly uuid: string; readonly list: readonly SnapshotSummary[] }>;
  readonly pools: Loadable<readonly PoolSummary[]>;
  /** by pool name */
  readonly volumes: Readonly<Record<string, Loadable<readonly VolumeSummary[]>>>;
  /** by pool name: volumes libvirt could not read, left out of `volumes` */
  readonly volumesSkipped: Readonly<Record<string, readonly SkippedVolume[]>>;
  /** the CPUs a VM may get here (`GET /hypervisor/cpu`) */
  readonly cpuCaps: Loadable<CpuCapabilities>;
  readonly networks: Loadable<readonly NetworkSummary[]>;
  readonly hardware: Loadable<HardwareReport>;
  /** the Files tab's directory page */
  readonly files: Loadable<FileListing>;
  readonly logs: LogView;
  readonly logSources: Loadable<LogSources>;
  /** the VM detail page's Log tab (by VM name) */
  readonly vmLog: LogView & { readonly vm: string | null };
  /** progress of our own long requests, by X-Quantix-Task id, while they run */
  readonly tasks: Readonly<Record<string, TaskProgress>>;
  /** the host's task list, newest first (`GET /tasks`, then `task:changed`) */
  readonly taskList: Loadable<readonly TaskSummary[]>;
  /** the task whose log is open; check `data.id` */
  readonly taskDetail: Loadable<Task>;
}

export type SkippedVolume = VolumeList['skipped'][number];

export function initialState(location: { path: string; search: string }): AppState {
  return {
    ...initialShellState(location),
    host: idle(),
    telemetry: { samples: [], error: null },
    token: idle(),
    hubs: idle(),
    events: { ...idle(), filter: { level: '', category: '', limit: 100 } },
    hypervisor: null,
    vms: idle(),
    vm: idle(),
    vmXml: idle(),
    vmHardware: idle(),
    snapshots: idle(),
    pools: idle(),
    volumes: {},
    volumesSkipped: {},
    cpuCaps: idle(),
    networks: idle(),
    hardware: idle(),
    files: idle(),
    logs: initialLogView(),
    logSources: idle(),
    vmLog: { ...initialLogView(), vm: null },
    tasks: {},
    taskList: idle(),
    taskDetail: idle(),
  };
}

/**
 * What must not outlive a session (a token secret, host details) — dropped at logout; the lists'
 * filters stay (the shell keeps its own state).
 */
export function withoutSessionData(s: AppState): AppState {
  const fresh = initialState(s.location);
  return {
    ...fresh,
    events: { ...fresh.events, filter: s.events.filter },
    logs: { ...fresh.logs, filter: s.logs.filter },
  };
}
