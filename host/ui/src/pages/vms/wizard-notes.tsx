import type { PoolSummary } from '@quantix/shared';
import { formatBytes } from '@quantix/shared/ui/format/format-bytes.ts';
import { describeHost, type HostCapacity, type OvercommitWarning } from './wizard-host.ts';

/** The host's CPU and memory, and a warning for each way the VM asks for more. */
export function HostFitNotes(props: {
  cap: HostCapacity | null;
  warnings: readonly OvercommitWarning[];
  showHost: boolean;
}) {
  return (
    <div class="wizard-notes" data-testid="wizard-host-fit">
      {props.showHost && props.cap && <p class="hint">{describeHost(props.cap)}</p>}
      {props.warnings.map((w) => (
        <div
          key={w.field}
          class="alert alert-warn"
          role="status"
          data-testid="wizard-overcommit"
          data-field={w.field}
        >
          <span>{w.message}</span>
        </div>
      ))}
    </div>
  );
}

/** Says which pool the wizard chose for new disks and why, so the choice is the user's. */
export function PoolDefaultNote(props: { pool: PoolSummary | null }) {
  if (!props.pool) return null;
  return (
    <p class="hint wizard-notes" data-testid="wizard-pool-default">
      New disks go to pool <strong>{props.pool.name}</strong>, the running pool with the most free space (
      {formatBytes(props.pool.available)}). Choose another pool for any disk below.
    </p>
  );
}
