import type { VmSummary } from '@quantix/shared';
import { useState } from 'preact/hooks';
import type { MenuItem } from '@quantix/shared/ui/components/action-menu.tsx';
import type { VmPower } from '@quantix/shared/ui/vm/use-vm-power.ts';
import { DeleteVmDialog } from './delete-vm-dialog.tsx';
import { useVmTemplateActions } from './vm-template-actions.tsx';
import { canDelete } from '@quantix/shared/ui/vm/vm-actions.ts';
import { VmPowerMenu } from '@quantix/shared/ui/vm/vm-power-menu.tsx';

/** A VM row's actions; the row shows what they report (`power`) under itself. */
export function VmRowMenu(props: { vm: VmSummary; power: VmPower }) {
  const { vm, power } = props;
  const [deleting, setDeleting] = useState(false);
  const templateActions = useVmTemplateActions(vm);

  const remove: MenuItem = {
    label: 'Delete…',
    testId: 'vm-delete',
    danger: true,
    disabled: !canDelete(vm.state),
    hint: canDelete(vm.state) ? undefined : 'Power the VM off first',
    onSelect: () => setDeleting(true),
  };

  return (
    <>
      <VmPowerMenu vm={vm} power={power} more={[...templateActions.items, remove]} />
      {templateActions.dialogs}
      {deleting && (
        <DeleteVmDialog vm={vm} onDone={() => setDeleting(false)} onCancel={() => setDeleting(false)} />
      )}
    </>
  );
}
