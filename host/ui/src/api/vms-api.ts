import type {
  SnapshotSummary,
  VmAction,
  VmCloneRequestInput,
  VmCpu,
  VmCreateRequest,
  VmDetail,
  VmSummary,
} from '@quantix/shared';
import {
  applyStatsToDetail,
  applyVmChanged,
  applyVmStats,
  mergeSummaryIntoDetail,
} from '../store/vm-list.ts';
import type { StoreApiDeps } from './api-deps.ts';
import { ApiError, toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { type PollDeps, poll } from '@quantix/shared/ui/api/poller.ts';
import type { TasksApi } from './tasks-api.ts';

export interface VmsApi {
  /** the list, kept current by `vm:changed`, with live stats; returns the function that stops it */
  watchList(): () => void;
  /** one VM's detail, kept current the same way */
  watchDetail(uuid: string): () => void;
  loadList(): Promise<void>;
  loadDetail(uuid: string): Promise<void>;
  action(uuid: string, action: VmAction): Promise<VmSummary>;
  setAutostart(uuid: string, autostart: boolean): Promise<VmSummary>;
  /** the CPU from the VM's next start */
  setCpu(uuid: string, cpu: VmCpu): Promise<VmDetail>;
  create(req: VmCreateRequest, taskId: string): Promise<VmDetail>;
  remove(uuid: string, deleteVolumes: boolean, taskId: string): Promise<void>;
  /** a full or linked copy (issue 9), with the host's progress under `taskId` */
  clone(uuid: string, req: VmCloneRequestInput, taskId: string): Promise<VmDetail>;
  /** the VM becomes a template for good */
  makeTemplate(uuid: string): Promise<VmSummary>;
  loadXml(uuid: string): Promise<void>;
  loadSnapshots(uuid: string): Promise<void>;
  /**
   * The Snapshots tab: libvirt has no snapshot events, so the list is read again on `vm:changed`
   * of that VM and every 5 s while the page is visible (a snapshot taken with virsh shows up).
   */
  watchSnapshots(uuid: string): () => void;
  createSnapshot(uuid: string, name: string, description: string): Promise<void>;
  revertSnapshot(uuid: string, name: string): Promise<void>;
  deleteSnapshot(uuid: string, name: string): Promise<void>;
  /** replaces the VM's tags (`PUT /vms/:uuid/tags`) */
  setTags(uuid: string, tags: readonly string[]): Promise<VmSummary>;
}

const vmPath = (uuid: string) => `/vms/${encodeURIComponent(uuid)}`;
const SNAPSHOT_POLL_MS = 5000;

/** A detail as the list's summary: the list counts disks, and has no config. */
export function summaryOfDetail(vm: VmDetail): VmSummary {
  const { disks, nics: _n, graphics: _g, bootOrder: _b, os: _o, description: _d, cpu: _c, ...rest } = vm;
  return { ...rest, disks: disks.filter((d) => d.device === 'disk').length };
}

export function createVmsApi(
  deps: StoreApiDeps & PollDeps & { tasks: TasksApi; onHypervisorUnavailable: (message: string) => void },
): VmsApi {
  const { http, socket, store, loadInto } = deps;
  let statsWatchers = 0;
  let stopStats: (() => void) | null = null;

  const loadList = () => loadInto('vms', async () => (await http.get<{ vms: VmSummary[] }>('/vms')).vms);
  const loadDetail = (uuid: string) => loadInto('vm', () => http.get<VmDetail>(vmPath(uuid)));
  const loadSnapshots = (uuid: string) =>
    loadInto('snapshots', async () => ({
      uuid,
      list: (await http.get<{ snapshots: SnapshotSummary[] }>(`${vmPath(uuid)}/snapshots`)).snapshots,
    }));

  /** A summary from an action's answer or an event: into the list and the open detail. */
  function applySummary(uuid: string, vm: VmSummary | null) {
    store.update((s) => {
      const list = s.vms.data;
      const nextList = list ? applyVmChanged(list, { uuid, event: null, vm }) : list;
      const detail = s.vm.data;
      let vmState = s.vm;
      if (detail?.uuid === uuid) {
        vmState = vm
          ? { ...s.vm, data: mergeSummaryIntoDetail(detail, vm) }
          : {
              data: null,
              loading: false,
              error: { code: 'VM_NOT_FOUND', message: `"${detail.name}" was deleted.` },
            };
      }
      if (nextList === list && vmState === s.vm) return s;
      return { ...s, vms: { ...s.vms, data: nextList }, vm: vmState };
    });
  }

  // Pushed to every socket: state changes come from libvirt's lifecycle events, never from polling.
  socket.on('vm:changed', (change) => {
    applySummary(change.uuid, change.vm);
    // a start fills in the VNC port, a redefinition changes disks or NICs: re-read the open detail
    if (change.vm && store.get().vm.data?.uuid === change.uuid) void loadDetail(change.uuid);
  });
  socket.on('vms:stats', (tick) =>
    store.update((s) => {
      // while libvirt is gone the figures are not live (store/stale.ts); a late tick must not revive them
      if (s.hypervisor?.available === false) return s;
      const list = s.vms.data ? applyVmStats(s.vms.data, tick) : null;
      const detail = s.vm.data ? applyStatsToDetail(s.vm.data, tick) : null;
      if (list === s.vms.data && detail === s.vm.data) return s;
      return { ...s, vms: { ...s.vms, data: list }, vm: { ...s.vm, data: detail } };
    }),
  );

  function reportSocketError(err: unknown) {
    if (err instanceof ApiError && err.code === 'HYPERVISOR_UNAVAILABLE') {
      deps.onHypervisorUnavailable(err.message);
    }
    store.update((s) => ({ ...s, vms: { ...s.vms, error: toErrorInfo(err) } }));
  }

  /** `vms:subscribe` while any list or detail page is open (re-sent after a reconnect). */
  function watchStats(): () => void {
    statsWatchers++;
    if (statsWatchers === 1) {
      stopStats = socket.whileConnected(async () => {
        try {
          const { vms } = await socket.request('vms:subscribe');
          // the ack is a full snapshot: whatever happened while we were away is in it
          loadInto.put('vms', vms);
        } catch (err) {
          reportSocketError(err);
        }
      });
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      statsWatchers--;
      if (statsWatchers > 0) return;
      stopStats?.();
      stopStats = null;
      if (socket.isConnected()) socket.request('vms:unsubscribe').catch(() => {});
    };
  }

  return {
    watchList() {
      void loadList();
      return watchStats();
    },
    watchDetail(uuid) {
      void loadDetail(uuid);
      const offStats = watchStats();
      const offReconnect = socket.whileConnected((reconnect) => {
        if (reconnect) void loadDetail(uuid);
      });
      return () => {
        offStats();
        offReconnect();
      };
    },
    loadList,
    loadDetail,
    async action(uuid, action) {
      const vm = await http.post<VmSummary>(`${vmPath(uuid)}/actions/${action}`);
      applySummary(uuid, vm);
      return vm;
    },
    async setAutostart(uuid, autostart) {
      const vm = await http.put<VmSummary>(`${vmPath(uuid)}/autostart`, { autostart });
      applySummary(uuid, vm);
      return vm;
    },
    async setCpu(uuid, cpu) {
      const vm = await http.put<VmDetail>(`${vmPath(uuid)}/cpu`, { cpu });
      store.update((s) => (s.vm.data?.uuid === uuid ? { ...s, vm: { ...s.vm, data: vm } } : s));
      applySummary(uuid, summaryOfDetail(vm));
      return vm;
    },
    async create(req, taskId) {
      const vm = await deps.tasks.run(taskId, (headers) => http.post<VmDetail>('/vms', req, { headers }));
      applySummary(vm.uuid, summaryOfDetail(vm));
      return vm;
    },
    async clone(uuid, req, taskId) {
      const vm = await deps.tasks.run(taskId, (headers) =>
        http.post<VmDetail>(`${vmPath(uuid)}/clone`, req, { headers }),
      );
      applySummary(vm.uuid, summaryOfDetail(vm));
      return vm;
    },
    async makeTemplate(uuid) {
      const vm = await http.post<VmSummary>(`${vmPath(uuid)}/template`);
      applySummary(uuid, vm);
      store.update((s) =>
        s.vm.data?.uuid === uuid ? { ...s, vm: { ...s.vm, data: { ...s.vm.data, template: true } } } : s,
      );
      return vm;
    },
    async remove(uuid, deleteVolumes, taskId) {
      await deps.tasks.run(taskId, (headers) =>
        http.del(`${vmPath(uuid)}?deleteVolumes=${deleteVolumes}`, { headers }),
      );
      applySummary(uuid, null);
    },
    loadXml: (uuid) =>
      loadInto('vmXml', async () => ({
        uuid,
        xml: (await http.get<{ xml: string }>(`${vmPath(uuid)}/xml`)).xml,
      })),
    loadSnapshots,
    watchSnapshots(uuid) {
      const poller = poll({
        run: () => loadSnapshots(uuid),
        intervalMs: SNAPSHOT_POLL_MS,
        timers: deps.timers,
        visibility: deps.visibility,
        // libvirt is gone: nothing to read; the next tick after it is back reads again
        skip: () => store.get().hypervisor?.available === false,
      });
      const off = socket.on('vm:changed', (c) => {
        if (c.uuid === uuid) poller.now();
      });
      return () => {
        off();
        poller.stop();
      };
    },
    async createSnapshot(uuid, name, description) {
      await http.post(`${vmPath(uuid)}/snapshots`, description ? { name, description } : { name });
      await loadSnapshots(uuid);
    },
    async revertSnapshot(uuid, name) {
      await http.post(`${vmPath(uuid)}/snapshots/${encodeURIComponent(name)}/revert`);
      await Promise.all([loadSnapshots(uuid), loadDetail(uuid)]);
    },
    async deleteSnapshot(uuid, name) {
      await http.del(`${vmPath(uuid)}/snapshots/${encodeURIComponent(name)}`);
      await loadSnapshots(uuid);
    },
    async setTags(uuid, tags) {
      const vm = await http.put<VmSummary>(`${vmPath(uuid)}/tags`, { tags });
      applySummary(uuid, vm);
      return vm;
    },
  };
}
