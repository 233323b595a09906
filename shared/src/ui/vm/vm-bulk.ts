import type { VmAction, VmSummary } from '@quantix/shared';
import { toErrorInfo } from '../api/api-error.ts';
import { countOf } from '../format/plural.ts';
import type { Confirmation } from '../components/confirm-dialog.tsx';
import { ACTION_LABEL, isActionAllowed, STATE_LABEL } from './vm-actions.ts';

/** The actions the list offers on many VMs at once. */
export const BULK_ACTIONS = ['start', 'shutdown', 'destroy'] as const satisfies readonly VmAction[];
export type BulkAction = (typeof BULK_ACTIONS)[number];

export interface BulkResult {
  readonly uuid: string;
  readonly name: string;
  readonly outcome: 'ok' | 'skipped' | 'failed';
  readonly message: string;
}

const DONE: Record<BulkAction, string> = {
  start: 'started',
  shutdown: 'asked to shut down',
  destroy: 'forced off',
};

/** The one confirmation for the whole selection, naming the VMs (a few, then a count). */
export function bulkConfirmation(action: BulkAction, vms: readonly Pick<VmSummary, 'name'>[]): Confirmation {
  const names = vms.slice(0, 5).map((v) => v.name);
  const more = vms.length > names.length ? ` and ${vms.length - names.length} more` : '';
  const what = `${names.join(', ')}${more}`;
  const count = countOf(vms.length, 'VM');
  switch (action) {
    case 'start':
      return { title: `Start ${count}?`, body: `Starts ${what}.`, confirmText: 'Start' };
    case 'shutdown':
      return {
        title: `Shut down ${count}?`,
        body: `Asks the guests of ${what} to shut down (ACPI); a guest may ignore it.`,
        confirmText: 'Shut down',
      };
    case 'destroy':
      return {
        title: `Force off ${count}?`,
        body: `Stops ${what} at once, like pulling the power cord; unsaved data in the guests is lost.`,
        confirmText: 'Force off',
      };
  }
}

/**
 * Sends `action` to every VM, a few at a time; a failure is that VM's result and does not stop
 * the rest. VMs whose state does not allow it are skipped (not sent), saying why.
 */
export async function runBulk(
  action: BulkAction,
  vms: readonly Pick<VmSummary, 'uuid' | 'name' | 'state'>[],
  run: (uuid: string, action: BulkAction) => Promise<unknown>,
  opts: { concurrency?: number; onResult?: (r: BulkResult) => void } = {},
): Promise<BulkResult[]> {
  const results: BulkResult[] = new Array(vms.length);
  let next = 0;
  const one = async (i: number): Promise<void> => {
    const vm = vms[i];
    if (!vm) return;
    let r: BulkResult;
    if (!isActionAllowed(action, vm.state)) {
      r = {
        uuid: vm.uuid,
        name: vm.name,
        outcome: 'skipped',
        message: `not sent: ${ACTION_LABEL[action].toLowerCase()} does not apply to a VM that is ${STATE_LABEL[vm.state].toLowerCase()}`,
      };
    } else {
      try {
        await run(vm.uuid, action);
        r = { uuid: vm.uuid, name: vm.name, outcome: 'ok', message: DONE[action] };
      } catch (err) {
        r = { uuid: vm.uuid, name: vm.name, outcome: 'failed', message: toErrorInfo(err).message };
      }
    }
    results[i] = r;
    opts.onResult?.(r);
  };
  const worker = async () => {
    while (next < vms.length) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, vms.length) }, worker));
  return results;
}

/** "2 started, 1 failed, 1 skipped" */
export function bulkSummary(results: readonly BulkResult[]): string {
  const n = (o: BulkResult['outcome']) => results.filter((r) => r.outcome === o).length;
  const parts = [`${n('ok')} done`];
  if (n('failed')) parts.push(`${n('failed')} failed`);
  if (n('skipped')) parts.push(`${n('skipped')} skipped`);
  return parts.join(', ');
}
