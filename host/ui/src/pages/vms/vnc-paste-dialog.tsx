import { FormDialog } from '@quantix/shared/ui/components/form-dialog.tsx';
import type { ErrorInfo } from '@quantix/shared/ui/store/shell-state.ts';
import { useRef, useState } from 'preact/hooks';
import { PASTE_DELAY_MS, PASTE_MAX_CHARS, type SendKey, strokesOf, typeStrokes } from './vnc-keys.ts';

/**
 * Text typed into the VM as keystrokes (a US keyboard layout), at most PASTE_MAX_CHARS characters,
 * one every PASTE_DELAY_MS. The text comes from the clipboard when the browser allows reading
 * it, or is pasted into the box.
 */
export function VncPasteDialog(props: { send: SendKey | null; onClose: () => void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(0);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const abort = useRef<AbortController | null>(null);
  const { strokes, skipped, truncated } = strokesOf(text);

  async function readClipboard() {
    try {
      if (!navigator.clipboard?.readText) throw new Error('no clipboard access');
      setText((await navigator.clipboard.readText()).slice(0, PASTE_MAX_CHARS * 2));
      setError(null);
    } catch {
      setError({
        code: 'FORBIDDEN',
        message: 'The browser did not let this page read the clipboard: paste into the box (Ctrl+V).',
      });
    }
  }

  async function type() {
    if (!props.send || strokes.length === 0) return;
    setBusy(true);
    const ac = new AbortController();
    abort.current = ac;
    await typeStrokes(strokes, props.send, { signal: ac.signal, onProgress: setDone });
    setBusy(false);
    if (!ac.signal.aborted) props.onClose();
  }

  return (
    <FormDialog
      title="Type text into the VM"
      submitText={`Type ${strokes.length} characters`}
      busyText={`Typing… ${done} / ${strokes.length}`}
      busy={busy}
      error={error}
      onSubmit={() => void type()}
      onCancel={() => {
        abort.current?.abort();
        props.onClose();
      }}
      testId="console-paste-dialog"
      submitTestId="console-paste-type"
    >
      <p class="muted">
        Typed as keystrokes on a US keyboard, {Math.round(1000 / PASTE_DELAY_MS)} characters a second, at most{' '}
        {PASTE_MAX_CHARS}.
      </p>
      <div class="button-row">
        <button type="button" class="btn btn-secondary btn-small" onClick={() => void readClipboard()}>
          Read the clipboard
        </button>
      </div>
      <textarea
        class="input"
        rows={6}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        aria-label="Text to type"
        data-testid="console-paste-text"
        disabled={busy}
      />
      {(skipped > 0 || truncated) && (
        <p class="muted" data-testid="console-paste-note">
          {truncated && `Only the first ${PASTE_MAX_CHARS} characters are typed. `}
          {skipped > 0 && `${skipped} character(s) a US keyboard has no key for are left out.`}
        </p>
      )}
    </FormDialog>
  );
}
