import type { LogEntry, LogPage, LogSources } from '@quantix/shared';
import type { AppState } from '../store/app-state.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import {
  type LogFilter,
  type LogView,
  logPageQuery,
  logParams,
  tailRequest,
  withFirstPage,
  withLiveEntries,
  withOlderPage,
} from '../store/log-view.ts';
import { ApiError, errorFromBody, toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import type { HttpClient } from '@quantix/shared/ui/api/http-client.ts';
import type { LoadInto } from './load-into.ts';
import type { SocketClient } from './socket-client.ts';

export interface LogsApi {
  /** the Logs page: sources and the first page, and the live tail while on; returns the stop function */
  watch(): () => void;
  setFilter(filter: LogFilter): Promise<void>;
  reload(): Promise<void>;
  loadOlder(): Promise<void>;
  setLive(on: boolean): void;
  /** fetches the filtered log as a file and hands it to the browser to save */
  download(): Promise<void>;
  /** a VM's own log (by name), on the VM page's Log tab */
  watchVm(name: string): () => void;
  setVmFilter(filter: LogFilter): Promise<void>;
  loadVmOlder(): Promise<void>;
}

/** Live entries are applied in batches: a busy journal must not re-render the table per line. */
const FLUSH_MS = 250;

/** Gives a file to the browser to save, as a download of its own. */
export type SaveFile = (file: Blob, name: string) => void;

/** SaveFile in a real window: an object URL clicked as a download link, then let go. */
export function saveWithLink(w: Window): SaveFile {
  return (file, name) => {
    const url = URL.createObjectURL(file);
    const a = w.document.createElement('a');
    a.href = url;
    a.download = name;
    w.document.body.append(a);
    a.click();
    a.remove();
    // the browser has the file once the click was handled
    w.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
}

/** The file name in `Content-Disposition: attachment; filename="…"`, or the fallback. */
export function attachmentName(header: string | null, fallback: string): string {
  const m = header ? /filename="([^"/\\]+)"/.exec(header) : null;
  return m?.[1] ?? fallback;
}

export function createLogsApi(deps: {
  http: HttpClient;
  socket: SocketClient;
  store: Store<AppState>;
  loadInto: LoadInto;
  base: string;
  /**
   * The download is fetched by the page, not followed as a link: a browser opens a new
   * connection for a link's download and, with the host's self-signed certificate, may refuse
   * it without a word (Chromium cancels it) — which is what happened once Live had left the
   * page without a request for longer than the server keeps a connection open.
   */
  fetch: typeof fetch;
  save: SaveFile;
  /** sees a failed download, as the HTTP client's failures are seen (an ended session) */
  onError?: (err: ApiError) => void;
}): LogsApi {
  const { http, socket, store } = deps;
  // a newer load (filter change, reload) makes older answers stale: one generation per view
  const generation = { logs: 0, vmLog: 0 };
  let stopTail: (() => void) | null = null;
  let watchingPage = false;

  const patchLogs = (fn: (v: AppState['logs']) => AppState['logs']) =>
    store.update((s) => {
      const logs = fn(s.logs);
      return logs === s.logs ? s : { ...s, logs };
    });
  const patchVmLog = (fn: (v: AppState['vmLog']) => AppState['vmLog']) =>
    store.update((s) => {
      const vmLog = fn(s.vmLog);
      return vmLog === s.vmLog ? s : { ...s, vmLog };
    });

  async function loadPage<K extends 'logs' | 'vmLog'>(
    key: K,
    patch: (fn: (v: AppState[K]) => AppState[K]) => void,
    url: (view: AppState[K]) => string,
    older: boolean,
  ) {
    const view = store.get()[key];
    if (older && (view.nextBefore === null || view.loadingOlder)) return;
    const gen = older ? generation[key] : ++generation[key];
    patch((v) => ({ ...v, ...(older ? { loadingOlder: true } : { loading: true }), error: null }));
    try {
      const page = await http.get<LogPage>(url(store.get()[key]));
      if (gen !== generation[key]) return;
      patch((v) => (older ? withOlderPage(v, page) : withFirstPage(v, page)));
    } catch (err) {
      if (gen !== generation[key]) return;
      patch((v) => ({ ...v, loading: false, loadingOlder: false, error: toErrorInfo(err) }));
    }
  }

  const logsUrl = (v: LogView, older: boolean) =>
    `/logs${logPageQuery(v.filter, { before: older ? v.nextBefore : null })}`;
  const reload = () => loadPage('logs', patchLogs, (v) => logsUrl(v, false), false);
  const loadOlder = () => loadPage('logs', patchLogs, (v) => logsUrl(v, true), true);

  const vmUrl = (v: AppState['vmLog'], older: boolean) =>
    `/vms/${encodeURIComponent(v.vm ?? '')}/log${logPageQuery(v.filter, {
      before: older ? v.nextBefore : null,
      withSource: false,
    })}`;
  const reloadVm = () => loadPage('vmLog', patchVmLog, (v) => vmUrl(v, false), false);

  function startTail(): () => void {
    let buffer: LogEntry[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const batch = buffer;
      buffer = [];
      patchLogs((v) => withLiveEntries(v, batch));
    };
    const offEntry = socket.on('logs:entry', (entry) => {
      buffer.push(entry);
      timer ??= setTimeout(flush, FLUSH_MS);
    });
    const offDropped = socket.on('logs:dropped', ({ count }) =>
      patchLogs((v) => ({ ...v, dropped: v.dropped + count })),
    );
    const offConnected = socket.whileConnected(async (reconnect) => {
      // what was logged while we were away is not replayed by the tail: read it as a page
      if (reconnect) void reload();
      try {
        await socket.request('logs:tail', tailRequest(store.get().logs.filter));
      } catch (err) {
        patchLogs((v) => ({ ...v, error: toErrorInfo(err) }));
      }
    });
    return () => {
      offEntry();
      offDropped();
      offConnected();
      if (timer) clearTimeout(timer);
      if (socket.isConnected()) socket.request('logs:untail').catch(() => {});
    };
  }

  function setLive(on: boolean) {
    patchLogs((v) => (v.live === on ? v : { ...v, live: on }));
    stopTail?.();
    stopTail = on && watchingPage ? startTail() : null;
  }

  return {
    watch() {
      watchingPage = true;
      void deps.loadInto('logSources', () => http.get<LogSources>('/logs/sources'));
      void reload();
      if (store.get().logs.live) setLive(true);
      const offReconnect = socket.whileConnected((reconnect) => {
        if (reconnect && !store.get().logs.live) void reload();
      });
      return () => {
        watchingPage = false;
        offReconnect();
        stopTail?.();
        stopTail = null;
      };
    },
    async setFilter(filter) {
      patchLogs((v) => ({ ...v, filter }));
      // a live tail is replaced by one with the new filter
      if (stopTail) setLive(true);
      await reload();
    },
    reload,
    loadOlder,
    setLive,
    async download() {
      if (store.get().logs.downloading) return;
      patchLogs((v) => ({ ...v, downloading: true, error: null }));
      try {
        const query = logParams(store.get().logs.filter).toString();
        let res: Response;
        try {
          res = await deps.fetch(`${deps.base}/logs/download?${query}`, {
            credentials: 'same-origin',
            cache: 'no-store',
          });
        } catch (err) {
          throw new ApiError('NETWORK_ERROR', 'Cannot reach the host.', { cause: err });
        }
        if (!res.ok) {
          const body = errorFromBody(await res.json().catch(() => null));
          throw new ApiError(
            body?.code ?? 'BAD_RESPONSE',
            body?.message ?? `Download failed (HTTP ${res.status}).`,
            {
              status: res.status,
            },
          );
        }
        const file = await res.blob();
        deps.save(file, attachmentName(res.headers.get('Content-Disposition'), 'quantix-logs.log'));
        patchLogs((v) => ({ ...v, downloading: false }));
      } catch (err) {
        const apiErr =
          err instanceof ApiError
            ? err
            : new ApiError('NETWORK_ERROR', 'The download broke off.', { cause: err });
        deps.onError?.(apiErr);
        patchLogs((v) => ({ ...v, downloading: false, error: toErrorInfo(apiErr) }));
      }
    },
    watchVm(name) {
      if (store.get().vmLog.vm !== name) {
        patchVmLog((v) => ({ ...v, vm: name, entries: [], nextBefore: null, warnings: [], error: null }));
      }
      void reloadVm();
      return socket.whileConnected((reconnect) => {
        if (reconnect) void reloadVm();
      });
    },
    async setVmFilter(filter) {
      patchVmLog((v) => ({ ...v, filter }));
      await reloadVm();
    },
    loadVmOlder: () => loadPage('vmLog', patchVmLog, (v) => vmUrl(v, true), true),
  };
}
