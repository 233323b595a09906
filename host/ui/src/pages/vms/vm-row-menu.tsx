import type { VmAction, VmSummary } from '@quantix/shared';
import { useState } from 'preact/hooks';
import { toErrorInfo } from '../../api/api-error.ts';
import { ActionMenu, type MenuItem } from '../../components/action-menu.tsx';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi } from '../../store/use-store.ts';
import { DeleteVmDialog } from './delete-vm-dialog.tsx';
import { ACTION_BUSY, ACTION_LABEL, ACTION_ORDER, canDelete, isActionAllowed } from './vm-actions.ts';

/** A VM row's actions; an error is handed up so the row can show it under itself. */
export function VmRowMenu(props: { vm: VmSummary; onError: (error: ErrorInfo | null) => void }) {
  const api = useApi();
  const { vm } = props;
  const [busy, setBusy] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);

  async function run(action: VmAction) {
    setBusy(ACTION_BUSY[action]);
    props.onError(null);
    try {
      await api.vms.action(vm.uuid, action);
    } catch (err) {
      props.onError(toErrorInfo(err));
    } finally {
      setBusy(null);
    }
  }

  const items: MenuItem[] = ACTION_ORDER.map((a) => ({
    label: ACTION_LABEL[a],
    testId: `vm-action-${a}`,
    disabled: !isActionAllowed(a, vm.state),
    onSelect: () => void run(a),
  }));
  items.push({
    label: 'Delete…',
    testId: 'vm-delete',
    danger: true,
    disabled: !canDelete(vm.state),
    hint: canDelete(vm.state) ? undefined : 'Power the VM off first',
    onSelect: () => setDeleting(true),
  });

  return (
    <>
      <ActionMenu items={items} busyText={busy} testId="vm-actions" />
      {deleting && (
        <DeleteVmDialog vm={vm} onDone={() => setDeleting(false)} onCancel={() => setDeleting(false)} />
      )}
    </>
  );
}
