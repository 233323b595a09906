import type { VmSummary } from '@quantix/shared';
import { useState } from 'preact/hooks';
import { ConfirmDialog } from '@quantix/shared/ui/components/confirm-dialog.tsx';
import { countOf } from '@quantix/shared/ui/format/plural.ts';
import { ACTION_BUSY, ACTION_LABEL } from '@quantix/shared/ui/vm/vm-actions.ts';
import {
  BULK_ACTIONS,
  type BulkAction,
  type BulkResult,
  bulkConfirmation,
  bulkSummary,
  runBulk,
} from '@quantix/shared/ui/vm/vm-bulk.ts';
import { useApi } from '../../store/use-store.ts';

/**
 * The actions on the selected VMs: one confirmation for all of them, then each VM's result (a
 * failure does not stop the others).
 */
export function VmBulkBar(props: { selected: readonly VmSummary[]; onClear: () => void }) {
  const api = useApi();
  const [asking, setAsking] = useState<{ action: BulkAction; vms: readonly VmSummary[] } | null>(null);
  const [running, setRunning] = useState(false);
  const [results, setResults] = useState<{ action: BulkAction; list: BulkResult[] } | null>(null);
  const n = props.selected.length;

  async function confirm() {
    if (!asking) return;
    const { action, vms } = asking;
    setRunning(true);
    const list: BulkResult[] = [];
    setResults({ action, list: [] });
    await runBulk(action, vms, (uuid, a) => api.vms.action(uuid, a), {
      onResult: (r) => {
        list.push(r);
        setResults({ action, list: [...list] });
      },
    });
    setRunning(false);
    setAsking(null);
  }

  const confirmation = asking ? bulkConfirmation(asking.action, asking.vms) : null;
  return (
    <>
      {n > 0 && (
        <div class="bulk-bar" data-testid="bulk-bar">
          <strong>{countOf(n, 'VM')} selected</strong>
          {BULK_ACTIONS.map((a) => (
            <button
              key={a}
              type="button"
              class={`btn btn-small ${a === 'destroy' ? 'btn-danger' : 'btn-secondary'}`}
              disabled={running}
              onClick={() => {
                setResults(null);
                setAsking({ action: a, vms: props.selected });
              }}
              data-testid={`bulk-${a}`}
            >
              {ACTION_LABEL[a]}…
            </button>
          ))}
          <button
            type="button"
            class="btn btn-small btn-secondary"
            disabled={running}
            onClick={props.onClear}
            data-testid="bulk-clear"
          >
            Clear selection
          </button>
        </div>
      )}
      {asking && confirmation && (
        <ConfirmDialog
          title={confirmation.title}
          confirmText={confirmation.confirmText}
          busyText={ACTION_BUSY[asking.action]}
          busy={running}
          onConfirm={() => void confirm()}
          onCancel={() => setAsking(null)}
        >
          <p>{confirmation.body}</p>
        </ConfirmDialog>
      )}
      {results && (
        <div class="alert alert-info bulk-results" role="status" data-testid="bulk-results">
          <div class="bulk-results-head">
            <strong>
              {ACTION_LABEL[results.action]}: {running ? 'running…' : bulkSummary(results.list)}
            </strong>
            {!running && (
              <button
                type="button"
                class="btn btn-small btn-secondary"
                onClick={() => setResults(null)}
                data-testid="bulk-results-close"
              >
                Close
              </button>
            )}
          </div>
          <ul>
            {results.list.map((r) => (
              <li
                key={r.uuid}
                class={`bulk-${r.outcome}`}
                data-testid="bulk-result"
                data-vm-name={r.name}
                data-outcome={r.outcome}
              >
                {r.name}: {r.outcome === 'failed' ? `failed — ${r.message}` : r.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
