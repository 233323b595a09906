import type { VmState } from '@quantix/shared';
import { ActionMenu, type MenuItem } from '../components/action-menu.tsx';
import type { VmPower } from './use-vm-power.ts';
import { ACTION_BUSY, ACTION_ORDER, actionButtonLabel, isActionAllowed } from './vm-actions.ts';

/**
 * A VM row's menu of power actions (those its state allows), then the UI's `more` items; while
 * one runs the menu says what is happening. The row shows what they report (`power`).
 */
export function VmPowerMenu(props: {
  vm: { readonly state: VmState };
  power: VmPower;
  more?: readonly MenuItem[];
}) {
  const { vm, power } = props;
  const items: MenuItem[] = ACTION_ORDER.map((a) => ({
    label: actionButtonLabel(a),
    testId: `vm-action-${a}`,
    disabled: !isActionAllowed(a, vm.state),
    onSelect: () => power.request(a),
  }));
  const busyAction = ACTION_ORDER.find((a) => a === power.busy);
  return (
    <ActionMenu
      items={[...items, ...(props.more ?? [])]}
      busyText={busyAction ? ACTION_BUSY[busyAction] : null}
      testId="vm-actions"
    />
  );
}
