import { useEffect, useRef, useState } from 'preact/hooks';

export interface MenuItem {
  readonly label: string;
  readonly testId: string;
  readonly onSelect: () => void;
  readonly disabled?: boolean;
  /** why it is disabled, as a tooltip */
  readonly hint?: string;
  readonly danger?: boolean;
}

/**
 * A small drop-down of row actions. While an action runs the trigger is disabled and says what
 * is happening; the caller shows the result or the error.
 */
export function ActionMenu(props: {
  items: readonly MenuItem[];
  busyText: string | null;
  label?: string;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const busy = props.busyText !== null;
  return (
    <div class="menu" ref={root}>
      <button
        type="button"
        class="btn btn-secondary btn-small"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-busy={busy}
        disabled={busy}
        onClick={() => setOpen(!open)}
        data-testid={props.testId ?? 'actions-menu'}
      >
        {busy ? (
          <>
            <span class="spinner" aria-hidden="true" />
            {props.busyText}
          </>
        ) : (
          `${props.label ?? 'Actions'} ▾`
        )}
      </button>
      {open && (
        <div class="menu-list" role="menu">
          {props.items.map((item) => (
            <button
              key={item.testId}
              type="button"
              role="menuitem"
              class={`menu-item ${item.danger ? 'menu-danger' : ''}`}
              disabled={item.disabled}
              title={item.hint}
              data-testid={item.testId}
              onClick={() => {
                setOpen(false);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
