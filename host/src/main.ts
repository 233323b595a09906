import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BuildInfo,
  type ClientToServerEvents,
  ControlRequest,
  HostState,
  type ServerToClientEvents,
} from '@quantix/shared';
import {
  authCommands,
  ConfigError,
  createAllowedHosts,
  createHttpsTransport,
  openServerCore,
  sessionRoom,
  startServing,
} from '@quantix/shared/server';
import type { HostIo } from './socket/host-io.ts';
import { BUILD } from './build-info.ts';
import type { ServeConfig } from './config.ts';
import { createConsoleStatus } from './console/console-status.ts';
import { readHostAddresses } from './console/host-addresses.ts';
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
import { createDispatch } from './hub-link/commands/dispatch.ts';
import { createFileCommands } from './hub-link/commands/file-commands.ts';
import { createPoolCommands } from './hub-link/commands/pool-commands.ts';
import { createUploadCommands } from './hub-link/commands/upload-commands.ts';
import { vmCommands } from './hub-link/commands/vm-commands.ts';
import { createHubLinks } from './hub-link/hub-links.service.ts';
import { createHostStatusSource } from './hub-link/host-status.ts';
import { createRegistrationService, type HostIdentity } from './registration/registration.service.ts';
import { settleHeap } from './runtime/settle-heap.ts';
import { createNetworkService } from './networks/network.service.ts';
import { createFileBrowser } from './storage/files/file-browser.service.ts';
import { createBlockUsageReader, deviceUsageOfPath } from './storage/block-devices/device-usage.ts';
import { createStorageService } from './storage/pools/pool.service.ts';
import { openPendingVolumes } from './storage/volumes/pending-volumes.ts';
import { schedulePendingVolumeSweep } from './storage/volumes/pending-volume-sweep.ts';
import { createCpuProbe } from './vms/cpu-probe.ts';
import { openFreezeMarks } from './vms/guest-freeze-marks.ts';
import { createVmGuestService } from './vms/vm-guest.ts';
import { createVmInventory } from './vms/vm-inventory.ts';
import { createVmMetadataWriter } from './vms/vm-metadata.ts';
import { createPlatformProbe } from './vms/vm-platform-probe.ts';
import { createVmStatsSampler } from './vms/vm-stats-sampler.ts';
import { createVmService, type VmService } from './vms/vm.service.ts';
import { createVmHardwareService } from './vms/vm-hardware.service.ts';
import { createBootStarter } from './vms/vm-boot-starter.ts';
import { createVmCloneService, type VmCloneService } from './vms/vm-clone.service.ts';
import { createSeedService } from './cloud-init/cloud-init.service.ts';
import { attachVmSocket } from './vms/vm.socket.ts';
import { attachConsoleProxy, CONSOLE_PATH } from './vms/console-proxy.ts';
import { createSerialConsoles } from './vms/serial-consoles.ts';
import { attachSerialProxy, SERIAL_PATH } from './vms/serial-proxy.ts';
import { openPtyPort } from './vms/serial-pty.ts';
import { createSerialResolver } from './vms/serial-resolve.ts';
import { createHostLogs } from './logs/logs-setup.ts';
import { attachLogsSocket } from './logs/logs.socket.ts';
import { scheduleUploadSweeps } from './storage/files/upload-sweeps.ts';
import { createProcReader } from './telemetry/proc-reader.ts';
import { createTelemetrySampler } from './telemetry/sampler.ts';
import { attachTelemetrySocket } from './telemetry/telemetry.socket.ts';
import { openTaskStore } from './tasks/task-store.ts';
import { attachTaskSocket } from './tasks/task.socket.ts';
import { createVmTags } from './vms/vm-tags.ts';
import { createHistoryRecorder } from './history/history-recorder.ts';

/** The composition root of `quantix-host serve`: config → adapters → services → transports → listen. */
export async function serve(config: ServeConfig, out: (line: string) => void): Promise<void> {
  const { dataDir } = config;
  // the image's BUILD_INFO.json names the version and commit; without it, what the bundle was built from
  const build = config.buildInfo ? await readBuildInfo(config.buildInfo) : BUILD;
  const core = await openServerCore({
    dataDir,
    service: 'quantix-host',
    logLevel: config.logLevel,
    stateFile: 'host.json',
    schema: HostState,
    initial: (): HostState => ({
      schema: 1,
      hostId: randomUUID(),
      createdAt: new Date().toISOString(),
      users: [],
      tokens: [],
      hubs: [],
    }),
    organization: 'Quantix host',
    sessionIdleMs: config.sessionIdleSeconds * 1000,
  });
  const { log, state, events, sessions, auth } = core;
  const startedAt = new Date();
  const hostname = osHostname();
  let cert = core.cert;
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
    open: () =>
      openHypervisor({
        uri: config.libvirtUri,
        runtimeDir: join(dataDir, 'run'),
        log,
        ...(config.libvirtBus !== undefined && { busAddress: config.libvirtBus }),
      }),
  });
  const cpuProbe = createCpuProbe({ monitor: hypervisorMonitor, log });
  const platformProbe = createPlatformProbe({ monitor: hypervisorMonitor, cpu: cpuProbe, log });
  const vmInventory = createVmInventory({
    monitor: hypervisorMonitor,
    log,
    ignore: (uuid, name) => cpuProbe.isProbeGuest(uuid, name) || platformProbe.isProbeGuest(uuid, name),
  });
  const vmStats = createVmStatsSampler({ monitor: hypervisorMonitor, log });
  const vmGuest = createVmGuestService({ monitor: hypervisorMonitor, inventory: vmInventory });
  // the VM list's guest addresses: one running VM with an agent asked every 2 s, in turn
  const stopAddressRefresh = vmGuest.startAddressRefresh();
  // one writer per host: metadata updates of one VM (tags, start order, template, OS) queue up
  const vmMetadata = createVmMetadataWriter({ monitor: hypervisorMonitor });
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
  // volumes being made (VM disks, image copies, clones, seeds, new disks), on disk before each is
  // made: what a killed host left half-made is deleted once libvirt answers at the next start
  const pending = await openPendingVolumes({
    file: join(dataDir, 'pending-volumes.json'),
    exists: async ({ pool, name }) => (await storage.listVolumes(pool)).some((v) => v.name === name),
    disk: core.disk,
    onRecovered: (i) => log.warn(i, 'pending volume list was unreadable; restored from its .bak'),
    onWriteError: (err) => log.error({ err }, 'could not write the pending volume list'),
  });
  // cloud-init seeds, clones and templates (issue 9); removal asks the clone service about linked clones
  const seeds = createSeedService({
    monitor: hypervisorMonitor,
    storage,
    diskUsers: () => vmService?.diskUsers() ?? Promise.resolve([]),
  });
  // guests frozen for a snapshot, marked on disk: a host killed before the thaw thaws them at start
  const freezeMarks = await openFreezeMarks({
    file: join(dataDir, 'guest-freezes.json'),
    monitor: hypervisorMonitor,
    inventory: vmInventory,
    events,
    log,
  });
  let vmClones: VmCloneService | null = null;
  vmService = createVmService({
    monitor: hypervisorMonitor,
    inventory: vmInventory,
    storage,
    events,
    live: (name) => vmStats.live(name),
    cpu: cpuProbe,
    metadata: vmMetadata,
    seeds,
    beforeRemove: (uuid) => vmClones?.assertRemovable(uuid) ?? Promise.resolve(),
    platform: platformProbe,
    guest: vmGuest,
    freezeMarks,
    pending,
  });
  const vms = vmService;
  vmClones = createVmCloneService({
    monitor: hypervisorMonitor,
    inventory: vmInventory,
    storage,
    events,
    metadata: vmMetadata,
    seeds,
    detail: (uuid) => vms.detail(uuid),
    summary: (uuid) => vms.list().find((v) => v.uuid === uuid),
    pending,
  });
  const vmHardware = createVmHardwareService({
    monitor: hypervisorMonitor,
    inventory: vmInventory,
    storage,
    events,
    cpu: cpuProbe,
    metadata: vmMetadata,
    pending,
  });
  // the task list: tasks.json, bounded; tasks left running by a stop are `interrupted` from here on
  const taskStore = await openTaskStore({
    file: join(dataDir, 'tasks.json'),
    disk: core.disk,
    onWriteError: (err) => log.error({ err }, 'could not write the task list'),
    onRecovered: (i) => log.warn(i, 'task list was unreadable; restored from its .bak'),
  });
  const vmTags = createVmTags({
    metadata: vmMetadata,
    inventory: vmInventory,
    list: () => vms.list(),
    events,
  });
  // VMs with a start order: started by the host in order, once per machine boot (vm-boot-order.ts)
  const bootStarter = createBootStarter({
    bootIdFile: config.bootIdFile,
    stateFile: join(dataDir, 'boot-start.json'),
    monitor: hypervisorMonitor,
    inventory: vmInventory,
    vms,
    events,
    tasks: taskStore,
    log,
  });
  const networks = createNetworkService({
    monitor: hypervisorMonitor,
    events,
    usersOf: (network) =>
      vmInventory
        .all()
        .filter((r) => r.spec.nics.some((n) => n.type === 'network' && n.source === network))
        .map((r) => r.info.name),
  });
  const logs = await createHostLogs({ appLogFile: core.logFile });
  let io: HostIo | null = null;
  const reader = createProcReader();
  const sampler = createTelemetrySampler({ reader, intervalMs: config.telemetryIntervalMs });
  // metrics history (slice-hist): recorded whether or not anyone watches
  const history = createHistoryRecorder({
    dir: join(dataDir, 'history'),
    sampler,
    vmStats,
    inventory: vmInventory,
    hypervisorAvailable: () => hypervisorMonitor.status().available,
    log,
  });
  const summary = createHostSummary({
    hostId: state.data.hostId,
    hostname,
    cert: () => cert,
    build,
    startedAt,
    enrolled: registration.enrolled,
  });

  // the live links to the hubs this host belongs to (host/src/hub-link)
  // what a hub may ask over its link, through the same services (and rules) as the host's own API
  const files = createFileBrowser();
  const poolCommands = createPoolCommands({ storage });
  const fileCommands = createFileCommands({ storage, browser: files });
  const uploadCommands = createUploadCommands({
    storage,
    maxUploadBytes: () => config.uploadMaxBytes,
    audit: (level, message, source) => void events.record({ level, category: 'storage', message, source }),
  });
  const hubLinks = createHubLinks({
    registration,
    identity: { hostId: identity.hostId, hostname, version: build.version, cert: () => cert },
    enrollInfo: async () => ({ url, inventory: await inventory.collect() }),
    status: createHostStatusSource({
      hostname,
      version: build.version,
      reader,
      vms: () => vms.list(),
      listPools: () => storage.listPools(),
      hypervisor: hypervisorMonitor,
      log,
    }),
    sampler,
    dispatch: createDispatch(
      {
        ...vmCommands({ vms }),
        'pool.apply': poolCommands,
        'pool.remove': poolCommands,
        'pool.usage': poolCommands,
        'files.list': fileCommands,
        'upload.open': uploadCommands,
        'upload.chunk': uploadCommands,
        'upload.finish': uploadCommands,
        'upload.abort': uploadCommands,
      },
      log,
    ),
    events,
    inventory: vmInventory,
    vms,
    objects: objectEvents,
    log,
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
    build,
    publicDir,
    hypervisor: hypervisorMonitor,
    cpu: cpuProbe,
    platform: platformProbe,
    guest: vmGuest,
    vms,
    hardware: vmHardware,
    vmClones,
    storage,
    networks,
    files,
    logs,
    maxUploadBytes: () => config.uploadMaxBytes,
    tasks: {
      store: taskStore,
      toSession: (sessionId, p) => io?.to(sessionRoom(sessionId)).emit('task:progress', p),
    },
    taskStore,
    vmTags,
    history,
  });
  const transport = createHttpsTransport<ClientToServerEvents, ServerToClientEvents>({
    core,
    app,
    allowedHosts,
    // no whole-request deadline: an ISO upload may take an hour; the upload route has its own stall
    // timeout and headers must still arrive within 20 s
    requestTimeoutMs: 0,
    upgradePaths: [CONSOLE_PATH, SERIAL_PATH],
  });
  const { server } = transport;
  io = transport.io;
  attachTelemetrySocket({ io, sampler });
  attachHypervisorSocket({ io, monitor: hypervisorMonitor });
  attachVmSocket({ io, vms, inventory: vmInventory, sampler: vmStats, guest: vmGuest });
  attachObjectEventsSocket({ io, objects: objectEvents });
  const stopTaskSocket = attachTaskSocket({ io, tasks: taskStore });
  recordLibvirtAudit({ monitor: hypervisorMonitor, inventory: vmInventory, objects: objectEvents, events });
  attachConsoleProxy({ server, sessions, vms, log, allowedHosts });
  // the serial console (xterm.js in the browser) over the VM's pty
  const serialConsoles = createSerialConsoles({
    resolve: createSerialResolver(hypervisorMonitor),
    openPort: openPtyPort,
    log,
  });
  attachSerialProxy({ server, sessions, consoles: serialConsoles, log, allowedHosts });
  const stopLogsSocket = attachLogsSocket({ io, logs });

  const consoleStatus = createConsoleStatus({
    build,
    hostId: identity.hostId,
    hostname,
    port: () => (server.address() as AddressInfo | null)?.port ?? config.listen.port,
    listenHost: config.listen.host,
    addresses: () => readHostAddresses(),
    spki: () => cert.spki,
    hubs: () => registration.hubs(),
    linkedHubIds: () => hubLinks.linkedHubIds(),
    setupCode: () => (auth.setupRequired() ? auth.setupCode() : null),
    hypervisorAvailable: () => hypervisorMonitor.status().available,
  });

  let stopUploadSweeps = () => {};
  let stopPendingSweep = () => {};
  const running = await startServing({
    core,
    server,
    io,
    listen: config.listen,
    control: {
      schema: ControlRequest,
      commands: {
        ...authCommands(auth),
        token: () => registration.mint('console'),
        'join-hub': (req) => hubLinks.join(req.enrollment, { by: 'console', retry: false }),
        'console-status': consoleStatus,
        'create-admin': async (req) => {
          const code = auth.setupCode().code; // SETUP_DONE once an admin exists
          const session = await auth.setup({
            code,
            username: req.username,
            password: req.password,
            from: 'console',
          });
          sessions.end(session.id, 'logout'); // nobody is logged in by it
          return null;
        },
      },
    },
    banner: { title: 'Quantix host appliance', id: ['Host ID', identity.hostId] },
    startMessage: `Host appliance started (${build.version})`,
    onCertificate: (c) => {
      cert = c;
    },
    stop: () => {
      bootStarter.stop();
      stopAddressRefresh();
      hubLinks.stop();
      void uploadCommands.close();
      stopUploadSweeps();
      stopPendingSweep();
      stopLogsSocket();
      serialConsoles.close();
      const historyClosed = history
        .close()
        .catch((err: unknown) => log.warn({ err }, 'history: close failed'));
      sampler.close();
      vmStats.close();
      reader.close();
      stopTaskSocket();
      // what ran until now is written; a task still running stays so, and is `interrupted` at the next start
      const tasksWritten = taskStore.close().catch(() => undefined);
      return historyClosed
        .then(() => Promise.all([cpuProbe.close(), platformProbe.close()]))
        .then(() => hypervisorMonitor.close())
        .then(() => tasksWritten);
    },
    out,
  });
  url = running.url;
  void history
    .start()
    .catch((err: unknown) => log.error({ err }, 'history: cannot start the metrics history'));
  // the first dial to each hub is at once: a restarted host is back on its hubs within seconds
  hubLinks.start();
  if (config.joinHub) {
    // the installer's kernel parameter: joined once; a hub already joined answers `already`
    hubLinks.join(config.joinHub, { by: 'start-up (--join-hub)', retry: true }).then(
      (r) => log.info({ hubId: r.hubId, already: r.already }, `joined hub ${r.hubName}`),
      (err: unknown) => {
        log.error({ err }, 'could not join the hub of --join-hub');
        void events.record({
          level: 'error',
          category: 'registration',
          message: `Could not join the hub of --join-hub: ${(err as Error).message}`,
          source: 'system',
        });
      },
    );
  }
  void freezeMarks.recover().catch((err: unknown) => log.error({ err }, 'thawing guests left frozen failed'));
  void bootStarter.run().catch((err: unknown) => log.error({ err }, 'ordered start at boot failed'));
  // libvirt is reached only once we answer HTTPS: spawning libvirt-dbus must not delay start-up.
  // When the first check and the VM inventory have settled, drop start-up garbage (see settleHeap).
  const firstCheck = hypervisorMonitor.start().then(() => vmInventory.ready());
  void firstCheck.then(() => {
    if (running.stopping()) return;
    stopUploadSweeps = scheduleUploadSweeps({
      monitor: hypervisorMonitor,
      listPools: () => storage.listPools(),
      log,
    });
    // the volumes operations cut short by a kill left: now, or once libvirt comes back
    stopPendingSweep = schedulePendingVolumeSweep({
      journal: pending,
      monitor: hypervisorMonitor,
      storage,
      events,
      log,
    });
  });
  void Promise.race([firstCheck, new Promise((r) => setTimeout(r, 5000).unref())]).then(() => {
    setTimeout(settleHeap, 200).unref();
  });
}

/** `--build-info`: a file that is named must be there and valid, or the host does not start. */
async function readBuildInfo(path: string): Promise<BuildInfo> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `--build-info ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`--build-info ${path}: not JSON`);
  }
  const parsed = BuildInfo.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new ConfigError(`--build-info ${path}: not a BUILD_INFO.json (${issues.join('; ')})`);
  }
  return parsed.data;
}
