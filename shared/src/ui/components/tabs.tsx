export interface TabDef<T extends string> {
  readonly id: T;
  readonly label: string;
  readonly testId: string;
}

/** A row of tabs; the page keeps the current one in the URL (`?tab=`), so it survives a reload. */
export function Tabs<T extends string>(props: {
  tabs: readonly TabDef<T>[];
  current: T;
  onSelect: (id: T) => void;
  label: string;
}) {
  return (
    <div class="tabs" role="tablist" aria-label={props.label}>
      {props.tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          class="tab"
          aria-selected={t.id === props.current}
          data-testid={t.testId}
          onClick={() => props.onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** The tab named in the query, or the first one. */
export function pickTab<T extends string>(tabs: readonly TabDef<T>[], wanted: string | null): T {
  const found = tabs.find((t) => t.id === wanted);
  return (found ?? tabs[0])?.id as T;
}
