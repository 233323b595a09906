import { AppError, type HostSummary } from '@quantix/shared';
import {
  type AllowedHosts,
  type AuthService,
  createServerApi,
  createServerApp,
  type EventStore,
  type Logger,
  type SessionStore,
} from '@quantix/shared/server';
import type { Express } from 'express';
import type { Inventory } from '../discovery/inventory.ts';
import { hardwareRoutes } from '../hardware/hardware.routes.ts';
import { hostRoutes } from '../host/host.routes.ts';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import { hypervisorRoutes } from '../hypervisor/hypervisor.routes.ts';
import { networkRoutes } from '../networks/network.routes.ts';
import type { NetworkService } from '../networks/network.service.ts';
import type { FileBrowser } from '../storage/files/file-browser.service.ts';
import { fileRoutes, isRawUploadRequest } from '../storage/files/files.routes.ts';
import { poolRoutes } from '../storage/pools/pool.routes.ts';
import type { StorageService } from '../storage/pools/pool.service.ts';
import type { TaskSink } from '../tasks/task-progress.ts';
import type { TaskStore } from '../tasks/task-store.ts';
import { taskRoutes } from '../tasks/task.routes.ts';
import type { VmTags } from '../vms/vm-tags.ts';
import { vmRoutes } from '../vms/vm.routes.ts';
import { vmCloneRoutes } from '../vms/vm-clone.routes.ts';
import type { VmCloneService } from '../vms/vm-clone.service.ts';
import { imageRoutes } from '../storage/images/image.routes.ts';
import { logsRoutes, vmLogRoutes } from '../logs/logs.routes.ts';
import type { LogsService } from '../logs/logs.service.ts';
import type { CpuProbe } from '../vms/cpu-probe.ts';
import type { VmGuestService } from '../vms/vm-guest.ts';
import { firmwareRoutes, vmGuestRoutes } from '../vms/vm-guest.routes.ts';
import type { PlatformProbe } from '../vms/vm-platform-probe.ts';
import type { VmService } from '../vms/vm.service.ts';
import { vmHardwareRoutes } from '../vms/vm-hardware.routes.ts';
import type { VmHardwareService } from '../vms/vm-hardware.service.ts';
import {
  hubPrincipal,
  registrationAdminRoutes,
  registrationPublicRoutes,
} from '../registration/registration.routes.ts';
import type { HostIdentity, RegistrationService } from '../registration/registration.service.ts';
import type { TelemetrySampler } from '../telemetry/sampler.ts';
import { telemetryRoutes } from '../telemetry/telemetry.routes.ts';
import type { HistoryRecorder } from '../history/history-recorder.ts';
import { hostHistoryRoutes, vmHistoryRoutes } from '../history/history.routes.ts';

export interface AppDeps {
  log: Logger;
  auth: AuthService;
  sessions: SessionStore;
  registration: RegistrationService;
  identity: HostIdentity;
  inventory: Inventory;
  events: EventStore;
  sampler: TelemetrySampler;
  summary: () => HostSummary;
  /** version and commit, from BUILD_INFO.json on the image */
  build: { version: string; commit: string };
  publicDir: string;
  hypervisor: HypervisorMonitor;
  cpu: CpuProbe;
  /** issue 9 (slice-os): firmware/TPM offers and the guest agent */
  platform: PlatformProbe;
  guest: VmGuestService;
  vms: VmService;
  /** the VM page's Hardware tab */
  hardware: VmHardwareService;
  /** clones and templates (issue 9) */
  vmClones?: VmCloneService;
  storage: StorageService;
  networks: NetworkService;
  files: FileBrowser;
  maxUploadBytes: () => number;
  tasks: TaskSink;
  /** the task list (GET /tasks) */
  taskStore: TaskStore;
  vmTags: VmTags;
  logs: LogsService;
  /** the names a request may give in `Host` */
  allowedHosts: AllowedHosts;
  /** metrics history (slice-hist) */
  history: HistoryRecorder;
}

/** The host's API routes inside the server kit's HTTP app (see createServerApp). */
export function createApp(d: AppDeps): Express {
  // setup, auth and /events; `guarded`: an admin exists and the caller is logged in
  const { api, guarded } = createServerApi({
    log: d.log,
    sessions: d.sessions,
    auth: d.auth,
    events: d.events,
    bearer: hubPrincipal(d.registration),
    // ISO uploads are raw octet-stream bodies
    rawBody: isRawUploadRequest,
  });

  // Open, or authenticated by a registration token: what a hub calls.
  api.use(
    '/registration',
    registrationPublicRoutes({
      registration: d.registration,
      identity: d.identity,
      inventory: d.inventory,
      build: d.build,
    }),
  );
  api.use('/registration', ...guarded, registrationAdminRoutes({ registration: d.registration }));
  api.use(
    '/host',
    ...guarded,
    hostRoutes({ summary: d.summary }),
    telemetryRoutes({ sampler: d.sampler }),
    hardwareRoutes({ inventory: d.inventory }),
  );
  api.use('/hypervisor', ...guarded, hypervisorRoutes({ monitor: d.hypervisor, cpu: d.cpu }));
  api.use(
    '/vms',
    ...guarded,
    vmRoutes({ vms: d.vms, tasks: d.tasks, tags: d.vmTags }),
    vmLogRoutes({ logs: d.logs }),
    vmHardwareRoutes({ hardware: d.hardware, tasks: d.tasks }),
  );
  api.use('/tasks', ...guarded, taskRoutes({ tasks: d.taskStore }));
  if (d.vmClones) api.use('/vms', ...guarded, vmCloneRoutes({ clones: d.vmClones, tasks: d.tasks }));
  api.use('/hypervisor', ...guarded, firmwareRoutes({ platform: d.platform }));
  api.use('/vms', ...guarded, vmGuestRoutes({ guest: d.guest }));
  api.use('/logs', ...guarded, logsRoutes({ logs: d.logs }));
  api.use(
    '/storage',
    ...guarded,
    poolRoutes({ storage: d.storage, tasks: d.tasks }),
    imageRoutes({ storage: d.storage }),
    fileRoutes({
      poolPath: async (name) => {
        const p = await d.storage.pool(name);
        if (!p.path)
          throw new AppError('POOL_NOT_FOUND', `storage pool "${name}" has no directory to browse`);
        return p.path;
      },
      browser: d.files,
      maxUploadBytes: d.maxUploadBytes,
      audit: (level, message, source) =>
        void d.events.record({ level, category: 'storage', message, source }),
      tasks: d.tasks,
    }),
  );
  api.use('/networks', ...guarded, networkRoutes({ networks: d.networks }));
  // metrics history (slice-hist)
  api.use('/telemetry', ...guarded, hostHistoryRoutes({ history: d.history }));
  api.use('/vms', ...guarded, vmHistoryRoutes({ history: d.history }));
  return createServerApp({ allowedHosts: d.allowedHosts, log: d.log, publicDir: d.publicDir, api });
}
