import type { SerialServerMessage, VmDetail } from '@quantix/shared';
import { hasConsole } from '@quantix/shared/ui/vm/vm-actions.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApi } from '../../store/use-store.ts';
import { ConsoleStatusBadge, ReconnectButton } from './console-bar.tsx';
import type { SerialTerminal } from './serial-terminal.ts';

type Status =
  | { kind: 'loading' }
  | { kind: 'connecting' }
  | { kind: 'connected'; mode: 'write' | 'read-only'; message: string }
  | { kind: 'ended'; message: string }
  | { kind: 'error'; message: string };

function statusText(s: Status): string {
  switch (s.kind) {
    case 'loading':
      return 'loading the terminal…';
    case 'connecting':
      return 'connecting…';
    case 'connected':
      return s.mode === 'write' ? 'connected' : 'connected, read-only';
    case 'ended':
    case 'error':
      return s.message;
  }
}

/** A control message (shared/src/serial-console.ts), checked by hand: zod stays out of the UI. */
export function serverMessage(v: unknown): SerialServerMessage | null {
  if (typeof v !== 'object' || v === null) return null;
  const m = v as Record<string, unknown>;
  if (m.type === 'mode' && (m.mode === 'write' || m.mode === 'read-only') && typeof m.message === 'string')
    return { type: 'mode', mode: m.mode, message: m.message };
  if (m.type === 'end' && typeof m.reason === 'string') return { type: 'end', reason: m.reason };
  return null;
}

/**
 * The VM's serial console (ttyS0) in xterm.js over the host's serial WebSocket. xterm.js is
 * fetched when this tab opens. One viewer types at a time; the others watch and may take over.
 */
export function VmSerialConsole(props: { vm: VmDetail }) {
  const { vm } = props;
  if (!hasConsole(vm.state)) {
    return (
      <div class="console-off" data-testid="serial-off">
        <p>Start the VM to use its serial console.</p>
      </div>
    );
  }
  return <LiveSerial uuid={vm.uuid} />;
}

function LiveSerial(props: { uuid: string }) {
  const api = useApi();
  const screen = useRef<HTMLDivElement>(null);
  const socket = useRef<WebSocket | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let ended = false;
    let term: SerialTerminal | null = null;
    let ws: WebSocket | null = null;
    let writable = false;
    const onResize = () => term?.fit();
    setStatus({ kind: 'loading' });
    api.console.loadTerminal().then(
      (openTerminal) => {
        const el = screen.current;
        if (ended || !el) return;
        term = openTerminal(el);
        const t = term;
        window.addEventListener('resize', onResize);
        setStatus({ kind: 'connecting' });
        ws = new WebSocket(api.console.serialUrl(props.uuid));
        ws.binaryType = 'arraybuffer';
        socket.current = ws;
        const encoder = new TextEncoder();
        t.onInput((data) => {
          if (writable && ws?.readyState === WebSocket.OPEN) ws.send(encoder.encode(data));
        });
        ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
          if (typeof e.data !== 'string') return t.write(new Uint8Array(e.data));
          let parsed: unknown;
          try {
            parsed = JSON.parse(e.data);
          } catch {
            return;
          }
          const msg = serverMessage(parsed);
          if (!msg || ended) return;
          if (msg.type === 'mode') {
            writable = msg.mode === 'write';
            setStatus({ kind: 'connected', mode: msg.mode, message: msg.message });
            if (writable) t.focus();
          } else {
            setStatus({ kind: 'ended', message: `Console ended: ${msg.reason}` });
          }
        };
        ws.onclose = () => {
          writable = false;
          if (ended) return;
          setStatus((s) =>
            s.kind === 'ended'
              ? s
              : s.kind === 'connected'
                ? { kind: 'ended', message: 'disconnected' }
                : {
                    kind: 'error',
                    message:
                      'Could not open the serial console (the VM may have stopped or have no serial port, or the host refused it).',
                  },
          );
        };
      },
      (err) => {
        if (!ended) setStatus({ kind: 'error', message: `The terminal could not be loaded: ${String(err)}` });
      },
    );
    return () => {
      ended = true;
      window.removeEventListener('resize', onResize);
      ws?.close();
      socket.current = null;
      term?.dispose();
    };
  }, [api, props.uuid, attempt]);

  const connected = status.kind === 'connected';
  const canRetry = status.kind === 'ended' || status.kind === 'error';
  return (
    <div class="console-wrap">
      <div class="console-bar">
        <ConsoleStatusBadge
          testId="serial-status"
          state={status.kind}
          connected={connected}
          error={status.kind === 'error'}
          mode={connected ? status.mode : ''}
        >
          {statusText(status)}
        </ConsoleStatusBadge>
        {connected && status.mode === 'read-only' && <span class="muted">{status.message}</span>}
        <span class="spacer" />
        {connected && status.mode === 'read-only' && (
          <button
            type="button"
            class="btn btn-secondary btn-small"
            onClick={() => socket.current?.send(JSON.stringify({ type: 'take-over' }))}
            data-testid="serial-take-over"
          >
            Take over
          </button>
        )}
        {canRetry && <ReconnectButton testId="serial-reconnect" onClick={() => setAttempt((n) => n + 1)} />}
      </div>
      <div class="serial-console" ref={screen} data-testid="serial-terminal" />
    </div>
  );
}
