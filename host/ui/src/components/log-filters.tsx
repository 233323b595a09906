import type { LogLevel, LogSource } from '@quantix/shared';
import { useEffect, useState } from 'preact/hooks';
import { checkLogFilter, defaultLogFilter, type LogFilter } from '../store/log-view.ts';

// shared's LOG_LEVELS, lowest first; repeated so zod stays out of the bundle (the Record type
// makes the compiler say when shared adds a level)
const LEVEL_LABEL = {
  debug: 'Debug',
  info: 'Info',
  notice: 'Notice',
  warning: 'Warning',
  error: 'Error',
  critical: 'Critical',
} satisfies Record<LogLevel, string>;

/**
 * Level, source, text and time range. Selects apply at once; the text and times apply with the
 * Apply button (or Enter), so typing does not fire a query per key. Reset goes back to the
 * default (info and above: each API request's access line is a debug line).
 */
export function LogFilters(props: {
  filter: LogFilter;
  sources: readonly LogSource[] | null;
  onApply: (filter: LogFilter) => void;
  idPrefix: string;
}) {
  const [draft, setDraft] = useState(props.filter);
  useEffect(() => setDraft(props.filter), [props.filter]);
  const problem = checkLogFilter(draft);
  const id = (k: string) => `${props.idPrefix}-${k}`;
  const apply = (next: LogFilter) => {
    setDraft(next);
    if (!checkLogFilter(next)) props.onApply(next);
  };

  return (
    <form
      class="filters filters-wrap"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        apply(draft);
      }}
    >
      <div class="field-inline">
        <label for={id('level')}>Level</label>
        <select
          id={id('level')}
          value={draft.level}
          onChange={(e) => apply({ ...draft, level: e.currentTarget.value as LogLevel | '' })}
          data-testid="logs-level"
        >
          <option value="">All levels</option>
          {Object.entries(LEVEL_LABEL).map(([l, label]) => (
            <option key={l} value={l}>
              {label} and above
            </option>
          ))}
        </select>
      </div>
      {props.sources && (
        <div class="field-inline">
          <label for={id('source')}>Source</label>
          <select
            id={id('source')}
            value={draft.source}
            onChange={(e) => apply({ ...draft, source: e.currentTarget.value })}
            data-testid="logs-source"
          >
            <option value="">All</option>
            {props.sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field-inline">
        <label for={id('text')}>Text</label>
        <input
          id={id('text')}
          type="search"
          value={draft.text}
          maxLength={200}
          placeholder="contains…"
          onInput={(e) => setDraft({ ...draft, text: e.currentTarget.value })}
          data-testid="logs-text"
        />
      </div>
      <div class="field-inline">
        <label for={id('since')}>From</label>
        <input
          id={id('since')}
          type="datetime-local"
          value={draft.since}
          onInput={(e) => setDraft({ ...draft, since: e.currentTarget.value })}
          data-testid="logs-since"
        />
      </div>
      <div class="field-inline">
        <label for={id('until')}>To</label>
        <input
          id={id('until')}
          type="datetime-local"
          value={draft.until}
          onInput={(e) => setDraft({ ...draft, until: e.currentTarget.value })}
          data-testid="logs-until"
        />
      </div>
      <button type="submit" class="btn btn-secondary" disabled={problem !== null} data-testid="logs-apply">
        Apply
      </button>
      <button
        type="button"
        class="btn btn-secondary"
        onClick={() => apply(defaultLogFilter())}
        title="Back to the default: every source, info and above"
        data-testid="logs-clear"
      >
        Reset
      </button>
      {problem && <span class="field-error">{problem}</span>}
    </form>
  );
}
