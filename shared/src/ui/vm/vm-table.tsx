import type { VmSummary } from '@quantix/shared';
import type { ComponentChildren } from 'preact';
import { formatMiB } from '../format/format-bytes.ts';
import type { VmPower } from './use-vm-power.ts';
import { VmPowerNotices } from './vm-power-notices.tsx';
import { VmStateBadge } from './vm-state-badge.tsx';

/**
 * A list of VMs: name, state, vCPUs and memory, then the UI's own columns (`columns`: their
 * header cells) and the actions. The rows (`children`) start with `VmSummaryCells`.
 */
export function VmTable(props: { testId: string; columns: ComponentChildren; children: ComponentChildren }) {
  return (
    <table class="table" data-testid={props.testId}>
      <thead>
        <tr>
          <th>Name</th>
          <th>State</th>
          <th class="num">vCPUs</th>
          <th class="num">Memory</th>
          {props.columns}
          <th />
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

/** A VM row's first cells, under VmTable's first columns; `name` shows the name (default: as text). */
export function VmSummaryCells(props: { vm: VmSummary; name?: ComponentChildren }) {
  const { vm } = props;
  return (
    <>
      <td>{props.name ?? vm.name}</td>
      <td>
        <VmStateBadge state={vm.state} />
      </td>
      <td class="num">{vm.vcpus}</td>
      <td class="num">{formatMiB(vm.memoryMiB)}</td>
    </>
  );
}

/** The row under a VM's row while its power actions have something to say (`VmPowerNotices`). */
export function VmPowerNoticesRow(props: {
  power: VmPower;
  name: string;
  colSpan: number;
  errorTestId: string;
}) {
  const { power } = props;
  if (!(power.error || power.shutdown !== 'idle' || power.confirming)) return null;
  return (
    <tr class="row-error">
      <td colSpan={props.colSpan}>
        <VmPowerNotices power={power} name={props.name} errorTestId={props.errorTestId} inRow />
      </td>
    </tr>
  );
}
