import { STATE_LABEL } from '@quantix/shared/ui/vm/vm-actions.ts';
import { VM_STATES, type VmListFilter, type VmStateFilter } from '@quantix/shared/ui/vm/vm-list-view.ts';

const STATE_OPTIONS: ReadonlyArray<{ value: VmStateFilter; label: string }> = [
  { value: '', label: 'Any state' },
  { value: 'on', label: 'On (running, paused…)' },
  { value: 'off', label: 'Off' },
  ...VM_STATES.map((s) => ({ value: s, label: STATE_LABEL[s] })),
];

/** Search, state and tag above the VM list; `shown` of `total` says what the filter left. */
export function VmListFilters(props: {
  filter: VmListFilter;
  tags: readonly string[];
  shown: number;
  total: number;
  onChange: (f: VmListFilter) => void;
}) {
  const { filter, onChange } = props;
  const filtered = filter.search !== '' || filter.state !== '' || filter.tag !== '';
  return (
    <div class="filters filters-wrap" data-testid="vm-filters">
      <input
        type="search"
        class="field-grow"
        placeholder="Search name, UUID or tag"
        aria-label="Search VMs"
        value={filter.search}
        onInput={(e) => onChange({ ...filter, search: (e.target as HTMLInputElement).value })}
        data-testid="vm-search"
      />
      <label class="field-inline">
        State
        <select
          value={filter.state}
          onChange={(e) =>
            onChange({ ...filter, state: (e.target as HTMLSelectElement).value as VmStateFilter })
          }
          data-testid="vm-state-filter"
        >
          {STATE_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label class="field-inline">
        Tag
        <select
          value={filter.tag}
          onChange={(e) => onChange({ ...filter, tag: (e.target as HTMLSelectElement).value })}
          data-testid="vm-tag-filter"
        >
          <option value="">Any tag</option>
          {/* a tag chosen from a row stays selectable even if no VM has it any more */}
          {[...new Set([...props.tags, ...(filter.tag ? [filter.tag] : [])])].sort().map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <span class="muted" data-testid="vm-count">
        {filtered ? `${props.shown} of ${props.total} VMs` : `${props.total} VMs`}
      </span>
      {filtered && (
        <button
          type="button"
          class="btn btn-secondary btn-small"
          onClick={() => onChange({ search: '', state: '', tag: '' })}
          data-testid="vm-filter-clear"
        >
          Clear filters
        </button>
      )}
    </div>
  );
}
