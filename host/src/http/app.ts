import { API_PREFIX, AppError } from '@quantix/shared';
import express, { type Express } from 'express';
import type { AuthService } from '../auth/auth.service.ts';
import { authRoutes } from '../auth/auth.routes.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { Inventory } from '../discovery/inventory.ts';
import type { EventStore } from '../events/event-store.ts';
import { eventsRoutes } from '../events/events.routes.ts';
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
import { vmRoutes } from '../vms/vm.routes.ts';
import { logsRoutes, vmLogRoutes } from '../logs/logs.routes.ts';
import type { LogsService } from '../logs/logs.service.ts';
import type { CpuProbe } from '../vms/cpu-probe.ts';
import type { VmService } from '../vms/vm.service.ts';
import type { Logger } from '../logging/logger.ts';
import { registrationAdminRoutes, registrationPublicRoutes } from '../registration/registration.routes.ts';
import type { HostIdentity, RegistrationService } from '../registration/registration.service.ts';
import type { TelemetrySampler } from '../telemetry/sampler.ts';
import { telemetryRoutes } from '../telemetry/telemetry.routes.ts';
import type { HostSummary } from '@quantix/shared';
import type { AllowedHosts } from './allowed-hosts.ts';
import { apiPathShapes } from './api-path.ts';
import { identify, requireAuth, requireSetupDone } from './auth-middleware.ts';
import { accessLog } from './access-log.ts';
import { apiNotFound, errorHandler, sendError } from './errors.ts';
import { createRateLimits } from './rate-limits.ts';
import { hostGuard, isCrossOrigin, securityHeaders, writeGuard } from './security.ts';
import { uiRoutes } from './static.ts';

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
  version: string;
  publicDir: string;
  hypervisor: HypervisorMonitor;
  cpu: CpuProbe;
  vms: VmService;
  storage: StorageService;
  networks: NetworkService;
  files: FileBrowser;
  maxUploadBytes: () => number;
  tasks: TaskSink;
  logs: LogsService;
  /** the names a request may give in `Host` */
  allowedHosts: AllowedHosts;
}

const BODY_LIMIT = '64kb';

export function createApp(d: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders());
  // first of all: a request must name this host (DNS rebinding), or nothing below is reached
  app.use(hostGuard(d.allowedHosts));
  app.use(apiPathShapes);

  const api = express.Router();
  const limits = createRateLimits();
  api.use(accessLog(d.log));
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // ISO uploads are raw octet-stream bodies: exempt from the JSON rule, never from the origin check
  api.use((req, res, next) => {
    if (!isRawUploadRequest(req)) return writeGuard(req, res, next);
    if (isCrossOrigin(req)) return sendError(res, 'ORIGIN_FORBIDDEN', 'cross-origin request refused');
    next();
  });
  api.use(express.json({ limit: BODY_LIMIT, strict: true }));
  api.use(identify({ sessions: d.sessions, registration: d.registration }));

  // Open, or authenticated by a registration token: what a hub calls.
  api.use(
    '/registration',
    registrationPublicRoutes({
      registration: d.registration,
      identity: d.identity,
      inventory: d.inventory,
      version: d.version,
      limits,
    }),
  );
  api.use(authRoutes({ auth: d.auth, limits }));

  // Everything below needs an admin to exist and a caller who is logged in.
  const guarded = [requireSetupDone(d.auth), requireAuth];
  api.use('/registration', ...guarded, registrationAdminRoutes({ registration: d.registration }));
  api.use(
    '/host',
    ...guarded,
    hostRoutes({ summary: d.summary }),
    telemetryRoutes({ sampler: d.sampler }),
    hardwareRoutes({ inventory: d.inventory }),
  );
  api.use('/events', ...guarded, eventsRoutes({ events: d.events }));
  api.use('/hypervisor', ...guarded, hypervisorRoutes({ monitor: d.hypervisor, cpu: d.cpu }));
  api.use('/vms', ...guarded, vmRoutes({ vms: d.vms, tasks: d.tasks }), vmLogRoutes({ logs: d.logs }));
  api.use('/logs', ...guarded, logsRoutes({ logs: d.logs }));
  api.use(
    '/storage',
    ...guarded,
    poolRoutes({ storage: d.storage, tasks: d.tasks }),
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
    }),
  );
  api.use('/networks', ...guarded, networkRoutes({ networks: d.networks }));
  api.use(apiNotFound);

  app.use(API_PREFIX, api);
  app.use('/api', apiNotFound);
  app.use(uiRoutes(d.publicDir));
  app.use(errorHandler(d.log));
  return app;
}
