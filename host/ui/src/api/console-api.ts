import type RFB from '@novnc/novnc';
import type { openTerminal } from '../pages/vms/serial-terminal.ts';

export interface ConsoleApi {
  /** noVNC, fetched on first use only: it is about as large as the rest of the UI together */
  loadRfb(): Promise<typeof RFB>;
  /** the VM's console WebSocket on our own origin; the session cookie and Origin authenticate it */
  url(uuid: string): string;
  /** xterm.js for the serial console, fetched on first use only */
  loadTerminal(): Promise<typeof openTerminal>;
  /** the VM's serial console WebSocket (same rules as `url`) */
  serialUrl(uuid: string): string;
}

export function createConsoleApi(deps: { location: Location; base: string }): ConsoleApi {
  let rfb: Promise<typeof RFB> | null = null;
  let terminal: Promise<typeof openTerminal> | null = null;
  const wsBase = () =>
    `${deps.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${deps.location.host}${deps.base}`;
  return {
    loadTerminal() {
      const loading = terminal ?? import('../pages/vms/serial-terminal.ts').then((m) => m.openTerminal);
      terminal = loading;
      loading.catch(() => {
        if (terminal === loading) terminal = null;
      });
      return loading;
    },
    serialUrl: (uuid) => `${wsBase()}/vms/${encodeURIComponent(uuid)}/serial`,
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
