import type { VmSummary } from '@quantix/shared';
import { Component } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import {
  HypervisorStatus,
  StaleNote,
  useHypervisorAvailable,
  useReloadWhenHypervisorBack,
} from '../../components/hypervisor-status.tsx';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { UsageBar } from '@quantix/shared/ui/components/usage-bar.tsx';
import { formatMiB, formatPercent, percentOf } from '@quantix/shared/ui/format/format-bytes.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import { useVmPower } from '@quantix/shared/ui/vm/use-vm-power.ts';
import {
  allTags,
  DEFAULT_SORT,
  filterVms,
  NO_FILTER,
  nextSort,
  sortVms,
  type VmListFilter,
  type VmSort,
  type VmSortKey,
} from '@quantix/shared/ui/vm/vm-list-view.ts';
import { VmRowMenu } from './vm-row-menu.tsx';
import { SortTh, VmPowerNoticesRow, VmSummaryCells, VmTable } from '@quantix/shared/ui/vm/vm-table.tsx';
import { VmBulkBar } from './vm-bulk-bar.tsx';
import { VmListFilters } from './vm-list-filters.tsx';
import './vm-list.css';

const COLUMNS = 11;

export function VmsPage() {
  const api = useApi();
  const vms = useStore((s) => s.vms);
  const available = useHypervisorAvailable();
  useEffect(() => api.vms.watchList(), [api]);
  useReloadWhenHypervisorBack(() => void api.vms.loadList());
  const [filter, setFilter] = useState<VmListFilter>(NO_FILTER);
  const [sort, setSort] = useState<VmSort>(DEFAULT_SORT);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());

  const list = vms.data ?? [];
  const tags = useMemo(() => allTags(list), [list]);
  // filtered and sorted again only when the list, the filter or the order changes; a stats tick
  // gives a new list, but unchanged VMs keep their objects, so their rows skip rendering
  const shown = useMemo(() => sortVms(filterVms(list, filter), sort), [list, filter, sort]);
  const chosen = useMemo(() => list.filter((v) => selected.has(v.uuid)), [list, selected]);

  const onSort = useCallback((key: VmSortKey) => setSort((s) => nextSort(s, key)), []);
  const onSelect = useCallback((uuid: string, on: boolean) => {
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(uuid);
      else next.delete(uuid);
      return next;
    });
  }, []);
  const onTag = useCallback((tag: string) => setFilter((f) => ({ ...f, tag })), []);

  // the banner says it already; a list from before libvirt went away would show stale states
  const error = !available && vms.error?.code === 'HYPERVISOR_UNAVAILABLE' ? null : vms.error;
  return (
    <div class="page" data-testid="page-vms">
      <HypervisorStatus />
      <Card
        title="Virtual machines"
        actions={
          <Link href="/vms/new" class="btn btn-primary" testId="create-vm-button">
            Create VM
          </Link>
        }
      >
        <ErrorMessage error={error} testId="vms-error" />
        {vms.data !== null && <StaleNote what="The VMs and their states" />}
        {!available && vms.data === null ? (
          <p class="muted" data-testid="vms-unavailable">
            The VM list cannot be read while the hypervisor is unavailable.
          </p>
        ) : vms.data === null ? (
          <p class="muted">{vms.loading ? 'Loading…' : ''}</p>
        ) : list.length === 0 ? (
          <p class="muted" data-testid="vms-empty">
            No virtual machines on this host yet. <Link href="/vms/new">Create one</Link>.
          </p>
        ) : (
          <>
            <VmListFilters
              filter={filter}
              tags={tags}
              shown={shown.length}
              total={list.length}
              onChange={setFilter}
            />
            <VmBulkBar selected={chosen} onClear={() => setSelected(new Set())} />
            <VmTable
              testId="vm-list"
              sort={sort}
              onSort={onSort}
              selectAll={<SelectAll shown={shown} selected={selected} onChange={setSelected} />}
              columns={
                <>
                  <SortTh sortKey="tags" label="Tags" sort={sort} onSort={onSort} />
                  <SortTh sortKey="disks" label="Disks" sort={sort} onSort={onSort} class="num" />
                  <SortTh sortKey="cpu" label="CPU" sort={sort} onSort={onSort} class="bar-col" />
                  <SortTh
                    sortKey="memoryUsed"
                    label="Memory used"
                    sort={sort}
                    onSort={onSort}
                    class="bar-col"
                  />
                  <SortTh sortKey="autostart" label="Autostart" sort={sort} onSort={onSort} />
                </>
              }
            >
              {shown.map((vm) => (
                <MemoRow
                  key={vm.uuid}
                  vm={vm}
                  selected={selected.has(vm.uuid)}
                  onSelect={onSelect}
                  onTag={onTag}
                />
              ))}
            </VmTable>
            {shown.length === 0 && (
              <p class="muted" data-testid="vms-none-match">
                No VM matches the filter.
              </p>
            )}
          </>
        )}
      </Card>
    </div>
  );
}

/** The header checkbox: all VMs the filter shows, or none; "some" while only part are chosen. */
function SelectAll(props: {
  shown: readonly VmSummary[];
  selected: ReadonlySet<string>;
  onChange: (s: ReadonlySet<string>) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const count = props.shown.filter((v) => props.selected.has(v.uuid)).length;
  const all = count > 0 && count === props.shown.length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = count > 0 && !all;
  }, [count, all]);
  return (
    <th class="select-col">
      <input
        ref={ref}
        type="checkbox"
        aria-label="Select all shown VMs"
        checked={all}
        onChange={() => props.onChange(all ? new Set() : new Set(props.shown.map((v) => v.uuid)))}
        data-testid="vm-select-all"
      />
    </th>
  );
}

interface RowProps {
  vm: VmSummary;
  selected: boolean;
  onSelect: (uuid: string, on: boolean) => void;
  onTag: (tag: string) => void;
}

/**
 * A row renders again only when its VM or its checkbox changed: with 500 VMs, a stats tick
 * re-renders the VMs whose figures moved, not the list. (A class keeps preact/compat's memo out
 * of the bundle.)
 */
class MemoRow extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return next.vm !== p.vm || next.selected !== p.selected || next.onSelect !== p.onSelect;
  }
  override render() {
    return <VmRow {...this.props} />;
  }
}

function VmRow(props: RowProps) {
  const { vm } = props;
  const api = useApi();
  const power = useVmPower(vm, (action) => api.vms.action(vm.uuid, action));
  const memPct = vm.memoryUsedMiB === null ? null : percentOf(vm.memoryUsedMiB, vm.memoryMiB);
  return (
    <>
      <tr
        data-testid="vm-row"
        data-vm-name={vm.name}
        data-state={vm.state}
        data-uuid={vm.uuid}
        class={props.selected ? 'row-selected' : undefined}
      >
        <td class="select-col">
          <input
            type="checkbox"
            aria-label={`Select ${vm.name}`}
            checked={props.selected}
            onChange={(e) => props.onSelect(vm.uuid, (e.target as HTMLInputElement).checked)}
            data-testid="vm-select"
          />
        </td>
        <VmSummaryCells
          vm={vm}
          name={
            <Link href={`/vms/${vm.uuid}`} testId="vm-link">
              {vm.name}
            </Link>
          }
        />
        <td class="tags-col" data-testid="vm-tags">
          {vm.tags.map((t) => (
            <button
              key={t}
              type="button"
              class="tag"
              title={`Show the VMs tagged ${t}`}
              onClick={() => props.onTag(t)}
            >
              {t}
            </button>
          ))}
        </td>
        <td class="num">{vm.disks}</td>
        <td class="bar-col" data-testid="vm-cpu">
          {vm.cpuPercent === null ? (
            <span class="muted">—</span>
          ) : (
            <>
              <UsageBar percent={vm.cpuPercent} />
              <span class="bar-value">{formatPercent(vm.cpuPercent, 0)}</span>
            </>
          )}
        </td>
        <td class="bar-col" data-testid="vm-memory">
          {vm.memoryUsedMiB === null || memPct === null ? (
            <span class="muted">—</span>
          ) : (
            <>
              <UsageBar percent={memPct} />
              <span class="bar-value bar-value-wide">{formatMiB(vm.memoryUsedMiB)}</span>
            </>
          )}
        </td>
        <td>{vm.autostart ? 'On' : 'Off'}</td>
        <td class="actions">
          <VmRowMenu vm={vm} power={power} />
        </td>
      </tr>
      <VmPowerNoticesRow power={power} name={vm.name} colSpan={COLUMNS} errorTestId="vm-row-error" />
    </>
  );
}
