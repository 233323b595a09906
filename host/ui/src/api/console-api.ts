import type RFB from '@novnc/novnc';

export interface ConsoleApi {
  /** noVNC, fetched on first use only: it is about as large as the rest of the UI together */
  loadRfb(): Promise<typeof RFB>;
  /** the VM's console WebSocket on our own origin; the session cookie and Origin authenticate it */
  url(uuid: string): string;
}

export function createConsoleApi(deps: { location: Location; base: string }): ConsoleApi {
  let rfb: Promise<typeof RFB> | null = null;
  return {
    loadRfb() {
      const loading = rfb ?? import('@novnc/novnc').then((m) => m.default);
      rfb = loading;
      // a failed chunk load (the host was upgraded meanwhile) may work on the next try
      loading.catch(() => {
        if (rfb === loading) rfb = null;
      });
      return loading;
    },
    url(uuid) {
      const scheme = deps.location.protocol === 'https:' ? 'wss:' : 'ws:';
      return `${scheme}//${deps.location.host}${deps.base}/vms/${encodeURIComponent(uuid)}/console`;
    },
  };
}
