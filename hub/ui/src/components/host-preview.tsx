import type { HostPreview } from '@quantix/shared';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import { InventoryDetails, InventoryFacts } from './inventory-view.tsx';

/** What Review found: who answers at the address, with which key, and what it has. Check before Add. */
export function HostPreviewView(props: { preview: HostPreview }) {
  const p = props.preview;
  return (
    <section class="card" data-testid="host-preview" aria-label="The host found">
      <header class="card-header">
        <h2 data-testid="preview-hostname">{p.hostname}</h2>
        <span class="badge badge-info">Not added yet</span>
      </header>
      <div class="card-body">
        <dl class="kv">
          <dt>URL</dt>
          <dd class="mono" data-testid="preview-url">
            {p.url}
          </dd>
          <dt>Key fingerprint</dt>
          <dd class="mono break" data-testid="preview-spki">
            {p.spki}
          </dd>
          <dt>Version</dt>
          <dd data-testid="preview-version">{p.version}</dd>
          <dt>Token valid until</dt>
          <dd>{formatDateTime(p.tokenExpiresAt)}</dd>
        </dl>
        <p class="hint">Compare the fingerprint with the one on the host's console before adding it.</p>
        <InventoryFacts inventory={p.inventory} />
        <InventoryDetails inventory={p.inventory} />
      </div>
    </section>
  );
}
