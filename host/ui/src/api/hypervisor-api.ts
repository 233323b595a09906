import type { CpuCapabilities, HypervisorStatus } from '@quantix/shared';
import { cameBack, withHypervisorStatus } from '../store/stale.ts';
import type { StoreApiDeps } from './api-deps.ts';
import { type Poller, type PollDeps, poll } from '@quantix/shared/ui/api/poller.ts';

export interface HypervisorApi {
  load(): Promise<void>;
  /** a request failed with HYPERVISOR_UNAVAILABLE: show that until the host says otherwise */
  markUnavailable(message: string): void;
  /**
   * The CPUs a VM may get (`cpuCaps`), read now and every 2 s while the host's probe still runs,
   * and again when libvirt comes back (the host probes anew); returns the function that stops it.
   */
  watchCpu(): () => void;
}

const RECHECK_MS = 5000;
const CPU_PROBE_POLL_MS = 2000;

/** The status arrives with every socket connect and on every change; REST fills the gap before that. */
export function createHypervisorApi(deps: StoreApiDeps & PollDeps): HypervisorApi {
  const { http, store } = deps;
  let recheckPending = false;
  let cpuWatchers = 0;
  let cpuPoller: Poller | null = null;

  const set = (status: HypervisorStatus) => {
    const back = cameBack(store.get().hypervisor, status);
    store.update((s) => withHypervisorStatus(s, status));
    if (back) cpuPoller?.now();
  };
  deps.socket.on('hypervisor:status', set);

  const loadCpu = () => deps.loadInto('cpuCaps', () => http.get<CpuCapabilities>('/hypervisor/cpu'));

  const api: HypervisorApi = {
    async load() {
      try {
        set(await http.get<HypervisorStatus>('/hypervisor'));
      } catch {
        // Not lost: every failure passes the http client's onError (HYPERVISOR_UNAVAILABLE marks the
        // status, 401 logs out), and each page shows the error of its own load.
      }
    },
    markUnavailable(message) {
      // The host pushes hypervisor:status when libvirt comes back. If its monitor never saw it go
      // (one failed call), no push comes: ask once more after a while so the banner cannot stick.
      if (!recheckPending) {
        recheckPending = true;
        deps.timers.setTimeout(() => {
          recheckPending = false;
          void api.load();
        }, RECHECK_MS);
      }
      const prev = store.get().hypervisor;
      if (prev && !prev.available && prev.error === message) return;
      set({
        uri: prev?.uri ?? '',
        testDriver: prev?.testDriver ?? false,
        hostname: prev?.hostname ?? null,
        libvirtVersion: prev?.libvirtVersion ?? null,
        available: false,
        error: message,
      });
    },
    watchCpu() {
      cpuWatchers++;
      if (cpuWatchers === 1) {
        cpuPoller = poll({
          run: loadCpu,
          intervalMs: CPU_PROBE_POLL_MS,
          timers: deps.timers,
          visibility: deps.visibility,
          // the statuses settle once the probe is done (a new one runs when libvirt is back)
          again: () => store.get().cpuCaps.data?.probing === true,
          skip: () => store.get().hypervisor?.available === false,
        });
      }
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        cpuWatchers--;
        if (cpuWatchers > 0) return;
        cpuPoller?.stop();
        cpuPoller = null;
      };
    },
  };
  return api;
}
