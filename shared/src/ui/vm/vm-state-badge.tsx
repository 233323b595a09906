import type { VmState } from '@quantix/shared';
import { STATE_BADGE, STATE_LABEL } from './vm-actions.ts';

export function VmStateBadge(props: { state: VmState }) {
  return (
    <span class={`badge ${STATE_BADGE[props.state]}`} data-testid="vm-state" data-state={props.state}>
      {STATE_LABEL[props.state] ?? props.state}
    </span>
  );
}
