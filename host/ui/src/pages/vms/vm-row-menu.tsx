import type { VmSummary } from '@quantix/shared';
import { useState } from 'preact/hooks';
import { ActionMenu, type MenuItem } from '@quantix/shared/ui/components/action-menu.tsx';
import type { VmPower } from '@quantix/shared/ui/vm/use-vm-power.ts';
import { DeleteVmDialog } from './delete-vm-dialog.tsx';
import {
  ACTION_BUSY,
  ACTION_ORDER,
  actionButtonLabel,
  canDelete,
  isActionAllowed,
} from '@quantix/shared/ui/vm/vm-actions.ts';

/** A VM row's actions; the row shows what they report (`power`) under itself. */
export function VmRowMenu(props: { vm: VmSummary; power: VmPower }) {
  const { vm, power } = props;
  const [deleting, setDeleting] = useState(false);

  const items: MenuItem[] = ACTION_ORDER.map((a) => ({
    label: actionButtonLabel(a),
    testId: `vm-action-${a}`,
    disabled: !isActionAllowed(a, vm.state),
    onSelect: () => power.request(a),
  }));
  items.push({
    label: 'Delete…',
    testId: 'vm-delete',
    danger: true,
    disabled: !canDelete(vm.state),
    hint: canDelete(vm.state) ? undefined : 'Power the VM off first',
    onSelect: () => setDeleting(true),
  });
  const busyAction = ACTION_ORDER.find((a) => a === power.busy);

  return (
    <>
      <ActionMenu items={items} busyText={busyAction ? ACTION_BUSY[busyAction] : null} testId="vm-actions" />
      {deleting && (
        <DeleteVmDialog vm={vm} onDone={() => setDeleting(false)} onCancel={() => setDeleting(false)} />
      )}
    </>
  );
}
