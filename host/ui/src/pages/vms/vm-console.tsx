import type RFB from '@novnc/novnc';
import type { VmDetail } from '@quantix/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApi } from '../../store/use-store.ts';
import { ConsoleStatusBadge, ReconnectButton } from './console-bar.tsx';
import { hasConsole } from '@quantix/shared/ui/vm/vm-actions.ts';
import { COMBOS, pressCombo, type SendKey } from './vnc-keys.ts';
import { VncPasteDialog } from './vnc-paste-dialog.tsx';

type Status =
  | { kind: 'loading' }
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'disconnected' }
  | { kind: 'error'; message: string };

function statusText(s: Status): string {
  switch (s.kind) {
    case 'loading':
      return 'loading the console…';
    case 'connecting':
      return 'connecting…';
    case 'connected':
      return 'connected';
    case 'disconnected':
      return 'disconnected';
    case 'error':
      return s.message;
  }
}

/**
 * The VM's screen through noVNC over the host's console WebSocket. noVNC is fetched when this tab
 * opens, not before; it styles its own elements through CSSOM, which the CSP allows.
 */
export function VmConsole(props: { vm: VmDetail }) {
  const { vm } = props;
  const running = hasConsole(vm.state);
  const hasVnc = vm.graphics.some((g) => g.type === 'vnc');
  if (!running) {
    return (
      <div class="console-off" data-testid="vm-console-off">
        <p>Start the VM to use its console.</p>
        <span class="muted" data-testid="console-status" data-state="off">
          disconnected
        </span>
      </div>
    );
  }
  if (!hasVnc) {
    return (
      <div class="console-off" data-testid="vm-console-off">
        <p>This VM has no VNC display, so there is no console to show.</p>
        <span class="muted" data-testid="console-status" data-state="off">
          disconnected
        </span>
      </div>
    );
  }
  return <LiveConsole uuid={vm.uuid} />;
}

function LiveConsole(props: { uuid: string }) {
  const api = useApi();
  const screen = useRef<HTMLDivElement>(null);
  const rfb = useRef<RFB | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'loading' });
  const [scale, setScale] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const [desktop, setDesktop] = useState('');
  const [pasting, setPasting] = useState(false);
  const sendKey: SendKey = (keysym, code, down) => rfb.current?.sendKey(keysym, code, down);

  useEffect(() => {
    let ended = false;
    let client: RFB | null = null;
    setStatus({ kind: 'loading' });
    api.console.loadRfb().then(
      (Rfb) => {
        const target = screen.current;
        if (ended || !target) return;
        setStatus({ kind: 'connecting' });
        try {
          client = new Rfb(target, api.console.url(props.uuid), { shared: true });
        } catch (err) {
          setStatus({ kind: 'error', message: `Cannot open the console: ${String(err)}` });
          return;
        }
        rfb.current = client;
        client.scaleViewport = scale;
        client.background = '#111';
        client.addEventListener('connect', () => {
          if (!ended) setStatus({ kind: 'connected' });
        });
        client.addEventListener('disconnect', (e) => {
          rfb.current = null;
          if (ended) return;
          setStatus(
            e.detail.clean
              ? { kind: 'disconnected' }
              : {
                  kind: 'error',
                  message:
                    'Connection to the console failed or was lost (the VM may have stopped, or the host refused it).',
                },
          );
        });
        client.addEventListener('securityfailure', (e) => {
          if (!ended)
            setStatus({
              kind: 'error',
              message: `VNC security failure: ${e.detail.reason ?? e.detail.status}`,
            });
        });
        client.addEventListener('credentialsrequired', () => {
          if (!ended)
            setStatus({
              kind: 'error',
              message: 'The VM’s VNC display asks for a password; this console has none.',
            });
          client?.disconnect();
        });
        client.addEventListener('desktopname', (e) => setDesktop(e.detail.name));
      },
      (err) => {
        if (!ended) setStatus({ kind: 'error', message: `The console could not be loaded: ${String(err)}` });
      },
    );
    return () => {
      ended = true;
      // only a live connection: noVNC complains when a disconnected RFB is disconnected again
      if (client && rfb.current === client) client.disconnect();
      rfb.current = null;
    };
    // `scale` is applied below without reconnecting
  }, [api, props.uuid, attempt]);

  useEffect(() => {
    if (rfb.current) rfb.current.scaleViewport = scale;
  }, [scale]);

  const connected = status.kind === 'connected';
  const canRetry = status.kind === 'disconnected' || status.kind === 'error';
  return (
    <div class="console-wrap">
      <div class="console-bar">
        <ConsoleStatusBadge
          testId="console-status"
          state={status.kind}
          connected={connected}
          error={status.kind === 'error'}
        >
          {statusText(status)}
        </ConsoleStatusBadge>
        {desktop && connected && <span class="muted">{desktop}</span>}
        <span class="spacer" />
        <label class="check">
          <input
            type="checkbox"
            checked={scale}
            onChange={(e) => setScale(e.currentTarget.checked)}
            data-testid="console-scale"
          />
          Scale to fit
        </label>
        <button
          type="button"
          class="btn btn-secondary btn-small"
          disabled={!connected}
          onClick={() => rfb.current?.sendCtrlAltDel()}
          data-testid="console-ctrl-alt-del"
        >
          Send Ctrl+Alt+Del
        </button>
        <select
          value=""
          disabled={!connected}
          aria-label="Send a key combination"
          data-testid="console-keys"
          onChange={(e) => {
            const combo = COMBOS.find((c) => c.id === e.currentTarget.value);
            e.currentTarget.value = '';
            if (combo && rfb.current) {
              pressCombo(sendKey, combo.keys);
              rfb.current.focus();
            }
          }}
        >
          <option value="">Send keys…</option>
          {COMBOS.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
        <button
          type="button"
          class="btn btn-secondary btn-small"
          disabled={!connected}
          onClick={() => setPasting(true)}
          data-testid="console-paste"
        >
          Paste as keys…
        </button>
        {canRetry && <ReconnectButton testId="console-reconnect" onClick={() => setAttempt((n) => n + 1)} />}
      </div>
      <div class="vm-console" ref={screen} data-testid="vm-console" />
      {pasting && (
        <VncPasteDialog
          send={connected ? sendKey : null}
          onClose={() => {
            setPasting(false);
            rfb.current?.focus();
          }}
        />
      )}
    </div>
  );
}
