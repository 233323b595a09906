import type { VmXmlPair } from '@quantix/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { useApi, useStore } from '../../store/use-store.ts';

/** libvirt's domain XML, read-only. */
export function VmXmlTab(props: { uuid: string }) {
  const api = useApi();
  const state = useStore((s) => s.vmXml);
  const pre = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'selected'>('idle');
  // the persistent definition too: shown beside the running one while something is pending
  const [pair, setPair] = useState<VmXmlPair | null>(null);
  const loadPair = () => api.hardware.xml(props.uuid).then(setPair, () => setPair(null));
  useEffect(() => {
    void api.vms.loadXml(props.uuid);
    void loadPair();
  }, [api, props.uuid]);
  const xml = state.data?.uuid === props.uuid ? state.data.xml : null;
  const pending = pair && pair.live !== null && pair.pending.length > 0 ? pair.config : null;

  async function copy() {
    if (xml === null) return;
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(xml);
      setCopied('copied');
    } catch {
      // no clipboard permission: select the text so Ctrl+C works
      const sel = window.getSelection();
      if (pre.current && sel) {
        const range = document.createRange();
        range.selectNodeContents(pre.current);
        sel.removeAllRanges();
        sel.addRange(range);
      }
      setCopied('selected');
    }
  }

  return (
    <div>
      <div class="button-row">
        <button
          type="button"
          class="btn btn-secondary btn-small"
          disabled={xml === null}
          onClick={() => void copy()}
          data-testid="xml-copy"
        >
          Copy
        </button>
        <button
          type="button"
          class="btn btn-secondary btn-small"
          disabled={state.loading}
          onClick={() => {
            void api.vms.loadXml(props.uuid);
            void loadPair();
          }}
        >
          {state.loading ? 'Loading…' : 'Reload'}
        </button>
        <span class="hint" role="status">
          {copied === 'copied'
            ? 'Copied to the clipboard.'
            : copied === 'selected'
              ? 'Selected — press Ctrl+C.'
              : ''}
        </span>
      </div>
      <ErrorMessage error={state.error} testId="xml-error" />
      {xml !== null && pending === null && (
        <pre class="code-block" ref={pre} data-testid="vm-xml">
          {xml}
        </pre>
      )}
      {xml !== null && pending !== null && (
        <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', gap: '1rem' }}>
          <div>
            <h3>Running now</h3>
            <pre class="code-block" ref={pre} data-testid="vm-xml">
              {xml}
            </pre>
          </div>
          <div>
            <h3>
              At the next start <span class="badge badge-warning">pending: {pair?.pending.join(', ')}</span>
            </h3>
            <pre class="code-block" data-testid="vm-xml-pending">
              {pending}
            </pre>
          </div>
        </div>
      )}
    </div>
  );
}
