import type {
  VmDiskAddInput,
  VmDiskUpdate,
  VmHardware,
  VmHardwareResult,
  VmHardwareUpdate,
  VmNicAddInput,
  VmNicUpdate,
  VmXmlPair,
} from '@quantix/shared';
import { coalesce } from '@quantix/shared/ui/api/coalesce.ts';
import type { StoreApiDeps } from './api-deps.ts';
import type { TasksApi } from './tasks-api.ts';

/** The VM page's Hardware tab: every edit answers the new hardware (into `vmHardware`) and its notes. */
export interface HardwareApi {
  /** the VM's hardware, read again on its `vm:changed` while the tab is open; returns the stop function */
  watch(uuid: string): () => void;
  load(uuid: string): Promise<void>;
  /** the live and the persistent XML (the XML tab shows both while something is pending) */
  xml(uuid: string): Promise<VmXmlPair>;
  update(uuid: string, req: VmHardwareUpdate): Promise<VmHardwareResult>;
  addDisk(uuid: string, req: VmDiskAddInput, taskId: string): Promise<VmHardwareResult>;
  updateDisk(uuid: string, target: string, req: VmDiskUpdate): Promise<VmHardwareResult>;
  removeDisk(uuid: string, target: string, deleteVolume: boolean): Promise<VmHardwareResult>;
  addNic(uuid: string, req: VmNicAddInput): Promise<VmHardwareResult>;
  updateNic(uuid: string, mac: string, req: VmNicUpdate): Promise<VmHardwareResult>;
  removeNic(uuid: string, mac: string): Promise<VmHardwareResult>;
}

const hwPath = (uuid: string) => `/vms/${encodeURIComponent(uuid)}/hardware`;

export function createHardwareApi(deps: StoreApiDeps & { tasks: TasksApi }): HardwareApi {
  const { http, loadInto, socket } = deps;
  const load = (uuid: string) => loadInto('vmHardware', () => http.get<VmHardware>(hwPath(uuid)));
  const keep = (r: VmHardwareResult): VmHardwareResult => {
    // newer than a reload a vm:changed started during the edit: that reload's answer is dropped
    loadInto.put('vmHardware', r.hardware);
    return r;
  };
  return {
    watch(uuid) {
      void load(uuid);
      // a start, a stop or a change made elsewhere (virsh, another tab) changes what is pending
      const reload = coalesce(() => load(uuid));
      const off = socket.on('vm:changed', (c) => {
        if (c.uuid === uuid) void reload();
      });
      const offReconnect = socket.whileConnected((again) => {
        if (again) void reload();
      });
      return () => {
        off();
        offReconnect();
      };
    },
    load,
    xml: (uuid) => http.get<VmXmlPair>(`${hwPath(uuid)}/xml`),
    update: async (uuid, req) => keep(await http.patch<VmHardwareResult>(hwPath(uuid), req)),
    addDisk: async (uuid, req, taskId) =>
      keep(
        await deps.tasks.run(taskId, (headers) =>
          http.post<VmHardwareResult>(`${hwPath(uuid)}/disks`, req, { headers }),
        ),
      ),
    updateDisk: async (uuid, target, req) =>
      keep(await http.patch<VmHardwareResult>(`${hwPath(uuid)}/disks/${encodeURIComponent(target)}`, req)),
    removeDisk: async (uuid, target, deleteVolume) =>
      keep(
        await http.del<VmHardwareResult>(
          `${hwPath(uuid)}/disks/${encodeURIComponent(target)}?deleteVolume=${deleteVolume}`,
        ),
      ),
    addNic: async (uuid, req) => keep(await http.post<VmHardwareResult>(`${hwPath(uuid)}/nics`, req)),
    updateNic: async (uuid, mac, req) =>
      keep(await http.patch<VmHardwareResult>(`${hwPath(uuid)}/nics/${encodeURIComponent(mac)}`, req)),
    removeNic: async (uuid, mac) =>
      keep(await http.del<VmHardwareResult>(`${hwPath(uuid)}/nics/${encodeURIComponent(mac)}`)),
  };
}
