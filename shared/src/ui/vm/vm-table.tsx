import type { VmSummary } from '@quantix/shared';
import type { ComponentChildren } from 'preact';
import { formatMiB } from '../format/format-bytes.ts';
import type { VmPower } from './use-vm-power.ts';
import type { VmSort, VmSortKey } from './vm-list-view.ts';
import { VmPowerNotices } from './vm-power-notices.tsx';
import { VmStateBadge } from './vm-state-badge.tsx';

/**
 * A list of VMs: name, state, vCPUs and memory, then the UI's own columns (`columns`: their
 * header cells) and the actions. The rows (`children`) start with `VmSummaryCells`.
 * With `sort` and `onSort` the headers sort (the UI's own columns use `SortTh` for theirs);
 * `selectAll` is a first header cell for a list with row checkboxes.
 */
export function VmTable(props: {
  testId: string;
  columns: ComponentChildren;
  children: ComponentChildren;
  sort?: VmSort;
  onSort?: (key: VmSortKey) => void;
  selectAll?: ComponentChildren;
}) {
  const th = (key: VmSortKey, label: string, cls?: string) =>
    props.sort && props.onSort ? (
      <SortTh sortKey={key} label={label} sort={props.sort} onSort={props.onSort} class={cls} />
    ) : (
      <th class={cls}>{label}</th>
    );
  return (
    <table class="table" data-testid={props.testId}>
      <thead>
        <tr>
          {props.selectAll}
          {th('name', 'Name')}
          {th('state', 'State')}
          {th('vcpus', 'vCPUs', 'num')}
          {th('memory', 'Memory', 'num')}
          {props.columns}
          <th />
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}

/** A header cell that sorts its column: click to sort, again to reverse. */
export function SortTh(props: {
  sortKey: VmSortKey;
  label: string;
  sort: VmSort;
  onSort: (key: VmSortKey) => void;
  class?: string | undefined;
}) {
  const on = props.sort.key === props.sortKey;
  const dir = on ? props.sort.dir : null;
  return (
    <th
      class={props.class}
      aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
      data-testid={`sort-${props.sortKey}`}
    >
      <button type="button" class="th-sort" onClick={() => props.onSort(props.sortKey)}>
        {props.label}
        <span class="th-sort-mark" aria-hidden="true">
          {dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}
        </span>
      </button>
    </th>
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
