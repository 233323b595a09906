/**
 * A horizontal 0–100 % bar. Decorative: the number is always printed beside it. The width is
 * set through CSSOM (allowed by the CSP), not a style attribute.
 */
export function UsageBar(props: { percent: number; testId?: string }) {
  const pct = Math.min(100, Math.max(0, props.percent));
  const level = pct >= 90 ? 'crit' : pct >= 75 ? 'warn' : 'ok';
  return (
    <div class="usage-bar" aria-hidden="true" data-testid={props.testId}>
      <div class={`usage-fill usage-${level}`} style={{ width: `${pct}%` }} />
    </div>
  );
}
