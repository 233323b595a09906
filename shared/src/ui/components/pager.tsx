/** "101–200 of 532" with Previous / Next. */
export function Pager(props: {
  offset: number;
  limit: number;
  total: number;
  onPage: (offset: number) => void;
  testId?: string;
}) {
  const { offset, limit, total } = props;
  if (total <= limit && offset === 0) return null;
  const last = Math.min(offset + limit, total);
  return (
    <div class="pager" data-testid={props.testId ?? 'pager'}>
      <span class="muted">
        {total === 0 ? 0 : offset + 1}–{last} of {total}
      </span>
      <button
        type="button"
        class="btn btn-secondary btn-small"
        disabled={offset === 0}
        onClick={() => props.onPage(Math.max(0, offset - limit))}
        data-testid="page-prev"
      >
        Previous
      </button>
      <button
        type="button"
        class="btn btn-secondary btn-small"
        disabled={last >= total}
        onClick={() => props.onPage(offset + limit)}
        data-testid="page-next"
      >
        Next
      </button>
    </div>
  );
}
