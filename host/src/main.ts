import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AppError,
  type ClientToServerEvents,
  ControlRequest,
  EventsState,
  HostState,
  type ServerToClientEvents,
} from '@quantix/shared';
import {
  acquireDataLock,
  attachDataDiskSocket,
  attachEventsSocket,
  authCommands,
  createAllowedHosts,
  createAuthService,
  createDataDisk,
  createEventStore,
  createIo,
  createLogger,
  createPasswordHasher,
  createSessionStore,
  createSetupCodes,
  ensureCertificate,
  hostAddresses,
  initialEventsState,
  keepCertificateCurrent,
  openJsonStore,
  reportDataDisk,
  secureContextOptions,
  sessionRoom,
  startControlServer,
  sweepTempFiles,
  urlFor,
  usersIn,
} from '@quantix/shared/server';
import type { HostIo } from './socket/host-io.ts';
import { BUILD } from './build-info.ts';
import type { ServeConfig } from './config.ts';
import { createInventory } from './discovery/inventory.ts';
import { createInventorySource } from './discovery/inventory-source.ts';
import { createHostSummary } from './host/host-summary.ts';
import { createHypervisorMonitor } from './hypervisor/hypervisor-monitor.ts';
import { attachHypervisorSocket } from './hypervisor/hypervisor.routes.ts';
import { createObjectEvents } from './hypervisor/object-events.ts';
import { attachObjectEventsSocket } from './hypervisor/object-events.socket.ts';
import { openHypervisor } from './hypervisor/open-hypervisor.ts';
import { recordLibvirtAudit } from './audit/libvirt-audit.ts';
import { createApp } from './http/app.ts';
import { createRegistrationService, type HostIdentity } from './registration/registration.service.ts';
import { settleHeap } from './runtime/settle-heap.ts';
import { createNetworkService } from './networks/network.service.ts';
import { createFileBrowser } from './storage/files/file-browser.service.ts';
import { createBlockUsageReader, deviceUsageOfPath } from './storage/block-devices/device-usage.ts';
import { createStorageService } from './storage/pools/pool.service.ts';
import { createCpuProbe } from './vms/cpu-probe.ts';
import { createVmInventory } from './vms/vm-inventory.ts';
import { createVmStatsSampler } from './vms/vm-stats-sampler.ts';
import { createVmService, type VmService } from './vms/vm.service.ts';
import { attachVmSocket } from './vms/vm.socket.ts';
import { attachConsoleProxy, CONSOLE_PATH } from './vms/console-proxy.ts';
import { createHostLogs } from './logs/logs-setup.ts';
import { attachLogsSocket } from './logs/logs.socket.ts';
import { scheduleUploadSweeps } from './storage/files/upload-sweeps.ts';
import { createProcReader } from './telemetry/proc-reader.ts';
import { createTelemetrySampler } from './telemetry/sampler.ts';
import { attachTelemetrySocket } from './telemetry/telemetry.socket.ts';

/** The composition root of `quantix-host serve`: config → adapters → services → transports → listen. */
export async function serve(config: ServeConfig, out: (line: string) => void): Promise<void> {
  const { dataDir } = config;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireDataLock(dataDir);
  // told by every writer of the data directory; probes it while it is full or read-only
  const disk = createDataDisk({ dir: dataDir });
  const log = createLogger({
    file: join(dataDir, 'logs', 'quantix-host.log'),
    level: config.logLevel,
    service: 'quantix-host',
    onFault: (err) => disk.writeFailed(err),
  });
  // we hold the lock and nothing has written yet: temp files here are a crashed write's leftovers
  const swept = [...(await sweepTempFiles(dataDir)), ...(await sweepTempFiles(join(dataDir, 'tls')))];
  if (swept.length) log.info({ files: swept }, 'removed temp files left by an interrupted write');
  const startedAt = new Date();

  const recovered: string[] = [];
  const onRecovered = (i: { file: string; reason: string }) => {
    recovered.push(`${i.file}: ${i.reason}`);
    log.warn(i, 'state file was unreadable; restored from its .bak');
  };
  const state = await openJsonStore({
    file: join(dataDir, 'host.json'),
    schema: HostState,
    initial: (): HostState => ({
      schema: 1,
      hostId: randomUUID(),
      createdAt: new Date().toISOString(),
      users: [],
      tokens: [],
      hubs: [],
    }),
    onRecovered,
    disk,
  });
  const eventsStore = await openJsonStore({
    file: join(dataDir, 'events.json'),
    schema: EventsState,
    initial: initialEventsState,
    onRecovered,
    disk,
  });
  const hostname = osHostname();
  // names and addresses are read again at every check: a renamed or re-addressed host gets a
  // certificate that covers it (same key, same fingerprint)
  const ensureCert = () =>
    ensureCertificate({
      dir: join(dataDir, 'tls'),
      hostname: osHostname(),
      organization: 'Quantix host',
      addresses: hostAddresses(),
    });
  let cert = await ensureCert();

  const events = createEventStore({
    store: eventsStore,
    onWriteError: (err, e) => {
      // a full disk is reported once, by reportDataDisk; the event stays in memory until it fits
      if (!(err instanceof AppError && err.code === 'STORAGE_FULL'))
        log.error({ err, event: e.message }, 'could not write the event log');
    },
  });
  const stopDiskReport = reportDataDisk({ disk, events, log });
  const sessions = createSessionStore({ idleTimeoutMs: config.sessionIdleSeconds * 1000 });
  const setupCodes = createSetupCodes();
  const auth = createAuthService({
    users: usersIn(state),
    hasher: createPasswordHasher(),
    sessions,
    setupCodes,
    events,
  });
  let url = '';
  const identity: HostIdentity = { hostId: state.data.hostId, hostname, spki: cert.spki, url: () => url };
  const registration = createRegistrationService({
    state,
    events,
    identity,
    tokenTtlMs: config.tokenTtlSeconds * 1000,
  });
  const inventory = createInventory({ source: createInventorySource({ libvirtUri: config.libvirtUri }) });
  const hypervisorMonitor = createHypervisorMonitor({
    uri: config.libvirtUri,
    log,
    open: () => openHypervisor({ uri: config.libvirtUri, runtimeDir: join(dataDir, 'run'), log }),
  });
  const cpuProbe = createCpuProbe({ monitor: hypervisorMonitor, log });
  const vmInventory = createVmInventory({ monitor: hypervisorMonitor, log, ignore: cpuProbe.isProbeGuest });
  const vmStats = createVmStatsSampler({ monitor: hypervisorMonitor, log });
  const objectEvents = createObjectEvents({ monitor: hypervisorMonitor, log });
  // the storage service asks the VM service which disks are in use, and the VM service creates
  // volumes through the storage service: tie the knot through a function
  let vmService: VmService | null = null;
  const blockUsage = createBlockUsageReader();
  const storage = createStorageService({
    monitor: hypervisorMonitor,
    events,
    diskUsers: () => vmService?.diskUsers() ?? Promise.resolve([]),
    deviceUsage: (dev) => deviceUsageOfPath(dev, blockUsage),
  });
  vmService = createVmService({
    monitor: hypervisorMonitor,
    inventory: vmInventory,
    storage,
    events,
    live: (name) => vmStats.live(name),
    cpu: cpuProbe,
  });
  const vms = vmService;
  const networks = createNetworkService({
    monitor: hypervisorMonitor,
    events,
    usersOf: (network) =>
      vmInventory
        .all()
        .filter((r) => r.spec.nics.some((n) => n.type === 'network' && n.source === network))
        .map((r) => r.info.name),
  });
  const logs = await createHostLogs({ appLogFile: join(dataDir, 'logs', 'quantix-host.log') });
  let io: HostIo | null = null;
  const reader = createProcReader();
  const sampler = createTelemetrySampler({ reader, intervalMs: config.telemetryIntervalMs });
  const summary = createHostSummary({
    hostId: state.data.hostId,
    hostname,
    cert: () => cert,
    build: BUILD,
    startedAt,
    enrolled: registration.enrolled,
  });

  const publicDir = join(dirname(fileURLToPath(import.meta.url)), 'public');
  // the names a request may give in Host: hostname, localhost, addresses, certificate, --public-name
  const allowedHosts = createAllowedHosts({
    publicNames: config.publicNames,
    certificateNames: () => cert.subjectAltNames,
  });
  const app = createApp({
    allowedHosts,
    log,
    auth,
    sessions,
    registration,
    identity,
    inventory,
    events,
    sampler,
    summary,
    version: BUILD.version,
    publicDir,
    hypervisor: hypervisorMonitor,
    cpu: cpuProbe,
    vms,
    storage,
    networks,
    files: createFileBrowser(),
    logs,
    maxUploadBytes: () => config.uploadMaxBytes,
    tasks: (sessionId, p) => io?.to(sessionRoom(sessionId)).emit('task:progress', p),
  });
  const server = createServer({ ...secureContextOptions(cert), handshakeTimeout: 10_000 }, app);
  server.headersTimeout = 20_000;
  // no whole-request deadline: an ISO upload may take an hour; the upload route has its own stall
  // timeout and headers must still arrive within headersTimeout
  server.requestTimeout = 0;
  io = createIo<ClientToServerEvents, ServerToClientEvents>({
    server,
    sessions,
    log,
    allowedHosts,
    upgradePaths: [CONSOLE_PATH],
  });
  attachTelemetrySocket({ io, sampler });
  attachEventsSocket({ io, events });
  attachHypervisorSocket({ io, monitor: hypervisorMonitor });
  attachDataDiskSocket({ io, disk });
  attachVmSocket({ io, vms, inventory: vmInventory, sampler: vmStats });
  attachObjectEventsSocket({ io, objects: objectEvents });
  recordLibvirtAudit({ monitor: hypervisorMonitor, inventory: vmInventory, objects: objectEvents, events });
  attachConsoleProxy({ server, sessions, vms, log, allowedHosts });
  const stopLogsSocket = attachLogsSocket({ io, logs });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  url = urlFor(config.listen.host, addr.port);
  const control = await startControlServer({
    path: join(dataDir, 'control.sock'),
    schema: ControlRequest,
    commands: { ...authCommands(auth), token: () => registration.mint('console') },
    log,
  });

  const listenHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  // one write, so a reader of the listening line has the banner too
  out(
    `listening https://${listenHost}:${addr.port}\n${banner({ url, hostId: identity.hostId, spki: cert.spki, setup: auth.setupRequired() ? auth.setupCode() : null })}`,
  );
  log.info({ url, hostId: identity.hostId, spki: cert.spki, version: BUILD.version }, 'host started');
  await events.record({
    level: 'info',
    category: 'system',
    message: `Host appliance started (${BUILD.version})`,
    source: 'system',
  });
  for (const r of recovered) {
    await events.record({
      level: 'warning',
      category: 'system',
      message: `State restored from backup: ${r}`,
      source: 'system',
    });
  }

  const stopRenewal = keepCertificateCurrent({
    server,
    current: cert,
    ensure: ensureCert,
    onRenewed: (c) => {
      cert = c;
    },
    log,
    events,
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled promise rejection');
    log.flush(() => process.exit(1));
  });
  // libvirt is reached only once we answer HTTPS: spawning libvirt-dbus must not delay start-up.
  // When the first check and the VM inventory have settled, drop start-up garbage (see settleHeap).
  const firstCheck = hypervisorMonitor.start().then(() => vmInventory.ready());
  let stopUploadSweeps = () => {};
  void firstCheck.then(() => {
    if (!stopping)
      stopUploadSweeps = scheduleUploadSweeps({
        monitor: hypervisorMonitor,
        listPools: () => storage.listPools(),
        log,
      });
  });
  void Promise.race([firstCheck, new Promise((r) => setTimeout(r, 5000).unref())]).then(() => {
    setTimeout(settleHeap, 200).unref();
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    void stopRenewal();
    stopUploadSweeps();
    stopDiskReport();
    disk.close();
    stopLogsSocket();
    sampler.close();
    vmStats.close();
    reader.close();
    sessions.close();
    control.close();
    void io?.close();
    server.closeAllConnections();
    server.close(() => {
      void Promise.allSettled([cpuProbe.close().then(() => hypervisorMonitor.close()), lock.release()]).then(
        () => log.flush(() => process.exit(0)),
      );
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function banner(p: {
  url: string;
  hostId: string;
  spki: string;
  setup: { code: string; expiresAt: Date } | null;
}): string {
  const lines = [
    '',
    '  Quantix host appliance',
    `  URL:          ${p.url}`,
    `  Host ID:      ${p.hostId}`,
    `  Fingerprint:  ${p.spki}`,
  ];
  if (p.setup) {
    lines.push(`  Setup code:   ${p.setup.code}   (valid until ${p.setup.expiresAt.toISOString()}, one use)`);
    lines.push('  Open the URL and create the administrator with this code.');
  }
  return `${lines.join('\n')}\n`;
}
