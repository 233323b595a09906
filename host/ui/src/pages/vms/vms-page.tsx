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
  onlyLiveFiguresDiffer,
  sortVms,
  type VmListFilter,
  type VmSort,
  type VmSortKey,
} from '@quantix/shared/ui/vm/vm-list-view.ts';
import { VmRowMenu } from './vm-row-menu.tsx';
import { SortTh, VmPowerNoticesRow, VmSummaryCells, VmTable } from '@quantix/shared/ui/vm/vm-table.tsx';
import { VmBulkBar } from './vm-bulk-bar.tsx';
import { VmListFilters } from './vm-list-filters.tsx';
import { createRowVisibility, type RowVisibility } from './row-visibility.ts';
import './vm-list.css';

const COLUMNS = 12;

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
  const visibility = useMemo(() => createRowVisibility(), []);
  useEffect(() => () => visibility.close(), [visibility]);

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
                  <th>IP addresses</th>
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
                  visibility={visibility}
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
  visibility: RowVisibility;
}

/**
 * A row renders again only when its VM or its checkbox changed: a stats tick re-renders the VMs
 * whose figures moved, not the list. A row far off screen skips the ticks (only its figures
 * changed) and catches up when it comes into view: with 500 running VMs a tick costs about what
 * the rows on screen cost (see test/bench/vm-list-page.bench.ts). A class, so preact/compat's
 * memo stays out of the bundle.
 */
class MemoRow extends Component<RowProps> {
  private visible = true;
  private stale = false;
  private unwatch: (() => void) | null = null;
  private row: HTMLTableRowElement | null = null;
  private readonly setRow = (el: HTMLTableRowElement | null) => {
    this.row = el;
  };

  override componentDidMount(): void {
    const el = this.row;
    if (!el) return;
    this.unwatch = this.props.visibility.watch(el, (visible) => {
      this.visible = visible;
      if (visible && this.stale) this.forceUpdate();
    });
  }
  override componentWillUnmount(): void {
    this.unwatch?.();
  }
  override shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    if (next.selected !== p.selected || next.onSelect !== p.onSelect || next.onTag !== p.onTag) return true;
    if (next.vm === p.vm) return false;
    if (!this.visible && onlyLiveFiguresDiffer(p.vm, next.vm)) {
      this.stale = true;
      return false;
    }
    return true;
  }
  override render() {
    this.stale = false;
    return <VmRow {...this.props} rowRef={this.setRow} />;
  }
}

function VmRow(props: RowProps & { rowRef: (el: HTMLTableRowElement | null) => void }) {
  const { vm } = props;
  const api = useApi();
  const power = useVmPower(vm, (action) => api.vms.action(vm.uuid, action));
  const memPct = vm.memoryUsedMiB === null ? null : percentOf(vm.memoryUsedMiB, vm.memoryMiB);
  return (
    <>
      <tr
        ref={props.rowRef}
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
            <>
              <Link href={`/vms/${vm.uuid}`} testId="vm-link">
                {vm.name}
              </Link>
              {vm.template && ' '}
              {vm.template && (
                <span
                  class="badge badge-info"
                  data-testid="vm-template-badge"
                  title="A template: new VMs are cloned from it"
                >
                  template
                </span>
              )}
            </>
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
        {/* the live figures change every second: a contained box keeps them out of the table's layout */}
        <td class="bar-col" data-testid="vm-cpu">
          <div class="live-cell">
            {vm.cpuPercent === null ? (
              <span class="muted">—</span>
            ) : (
              <>
                <UsageBar percent={vm.cpuPercent} />
                <span class="bar-value">{formatPercent(vm.cpuPercent, 0)}</span>
              </>
            )}
          </div>
        </td>
        <td class="bar-col" data-testid="vm-memory">
          <div class="live-cell live-cell-wide">
            {vm.memoryUsedMiB === null || memPct === null ? (
              <span class="muted">—</span>
            ) : (
              <>
                <UsageBar percent={memPct} />
                <span class="bar-value bar-value-wide">{formatMiB(vm.memoryUsedMiB)}</span>
              </>
            )}
          </div>
        </td>
        <td>{vm.autostart ? 'On' : 'Off'}</td>
        {/* the guest agent's answer as the host cached it when the VM's page asked: never fetched here */}
        <td class="mono" data-testid="vm-ips">
          {vm.guestAddresses?.length ? vm.guestAddresses.join(', ') : <span class="muted">—</span>}
        </td>
        <td class="actions">
          <VmRowMenu vm={vm} power={power} />
        </td>
      </tr>
      <VmPowerNoticesRow power={power} name={vm.name} colSpan={COLUMNS} errorTestId="vm-row-error" />
    </>
  );
}
