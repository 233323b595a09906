import { useRef, useState } from 'preact/hooks';

/**
 * A read-only value with a Copy button. The Clipboard API needs a secure context and
 * permission; when it fails the text is selected so Ctrl+C copies it.
 */
export function CopyText(props: { value: string; label: string; id: string; testId?: string }) {
  const input = useRef<HTMLTextAreaElement>(null);
  const [status, setStatus] = useState<'idle' | 'copied' | 'selected'>('idle');

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(props.value);
      setStatus('copied');
    } catch {
      input.current?.focus();
      input.current?.select();
      setStatus('selected');
    }
  }

  return (
    <div class="copy-text">
      <label for={props.id}>{props.label}</label>
      <div class="copy-row">
        <textarea
          id={props.id}
          ref={input}
          class="mono"
          readOnly
          rows={2}
          value={props.value}
          data-testid={props.testId}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          type="button"
          class="btn btn-secondary"
          onClick={copy}
          data-testid={`${props.testId ?? props.id}-copy`}
        >
          Copy
        </button>
      </div>
      <span class="hint" role="status" data-testid={`${props.testId ?? props.id}-copy-status`}>
        {status === 'copied'
          ? 'Copied to the clipboard.'
          : status === 'selected'
            ? 'Selected — press Ctrl+C to copy.'
            : ''}
      </span>
    </div>
  );
}
