import type { HistoryPoint, HistoryRange, HistorySeries } from '@quantix/shared';
import { useMemo } from 'preact/hooks';
import { formatBytes, formatPercent, formatRate } from '../format/format-bytes.ts';
import { niceBytesCeil } from './chart-scale.ts';
import { type ChartLine, LineChart } from './line-chart.tsx';

interface Line {
  readonly label: string;
  readonly testId: string;
  readonly metric: string;
  /** the average, or the maximum of each bin */
  readonly of: 'avg' | 'max';
  readonly show: (v: number) => string;
}

interface Chart {
  readonly title: string;
  readonly testId: string;
  readonly lines: readonly Line[];
  /** the top of the y axis, if not the highest value shown rounded up */
  readonly max?: (last: HistoryPoint | undefined, col: (m: string) => number) => number;
  readonly maxLabel: (max: number) => string;
}

const pct = (v: number) => formatPercent(v);
const CHARTS: readonly Chart[] = [
  {
    title: 'CPU',
    testId: 'history-cpu',
    max: () => 100,
    maxLabel: (m) => formatPercent(m, 0),
    lines: [
      { label: 'Average', testId: 'history-value-cpu', metric: 'cpu', of: 'avg', show: pct },
      { label: 'Peak', testId: 'history-value-cpu-max', metric: 'cpu', of: 'max', show: pct },
    ],
  },
  {
    title: 'Memory',
    testId: 'history-memory',
    max: (last, col) => {
      const i = col('memTotal');
      return i >= 0 ? (last?.max[i] ?? 0) : 0;
    },
    maxLabel: formatBytes,
    lines: [
      { label: 'Used', testId: 'history-value-memory', metric: 'memUsed', of: 'avg', show: formatBytes },
    ],
  },
  {
    title: 'Disk I/O',
    testId: 'history-disk',
    maxLabel: formatRate,
    lines: [
      { label: 'Read', testId: 'history-value-disk-read', metric: 'diskRead', of: 'avg', show: formatRate },
      {
        label: 'Write',
        testId: 'history-value-disk-write',
        metric: 'diskWrite',
        of: 'avg',
        show: formatRate,
      },
    ],
  },
  {
    title: 'Network',
    testId: 'history-net',
    maxLabel: formatRate,
    lines: [
      { label: 'Rx', testId: 'history-value-net-rx', metric: 'netRx', of: 'avg', show: formatRate },
      { label: 'Tx', testId: 'history-value-net-tx', metric: 'netTx', of: 'avg', show: formatRate },
    ],
  },
];

// types only from @quantix/shared: its values would bring zod into the first load
const RANGES: readonly HistoryRange[] = ['hour', 'day', 'week', 'month', 'year'];

const RANGE_LABEL: Record<HistoryRange, { button: string; start: string; window: string }> = {
  hour: { button: 'Hour', start: '−1 h', window: 'last hour' },
  day: { button: 'Day', start: '−24 h', window: 'last day' },
  week: { button: 'Week', start: '−7 d', window: 'last week' },
  month: { button: 'Month', start: '−30 d', window: 'last 30 days' },
  year: { button: 'Year', start: '−1 y', window: 'last year' },
};

/** Hour / day / week / month / year. */
export function HistoryRangePicker(props: { range: HistoryRange; onSelect: (r: HistoryRange) => void }) {
  return (
    <fieldset class="button-row history-range" aria-label="History range" data-testid="history-range">
      {RANGES.map((r) => (
        <button
          key={r}
          type="button"
          class={`btn btn-small ${r === props.range ? 'btn-primary' : 'btn-secondary'}`}
          aria-pressed={r === props.range}
          onClick={() => props.onSelect(r)}
          data-testid={`history-range-${r}`}
        >
          {RANGE_LABEL[r].button}
        </button>
      ))}
    </fieldset>
  );
}

/**
 * Four charts of a metrics history (the host's or a VM's): average lines, CPU's peak beside its
 * average. Bins with no data are gaps.
 */
export function HistoryCharts(props: { series: HistorySeries }) {
  const { series } = props;
  const charts = useMemo(() => {
    const col = (m: string) => series.metrics.indexOf(m);
    return CHARTS.filter((c) => c.lines.every((l) => col(l.metric) >= 0)).map((c) => {
      const lines: (ChartLine<HistoryPoint> & { show: Line['show'] })[] = c.lines.map((l) => {
        const i = col(l.metric);
        return {
          label: l.label,
          valueTestId: l.testId,
          value: (p: HistoryPoint) => p[l.of][i] ?? 0,
          show: l.show,
        };
      });
      const first = col(c.lines[0]?.metric ?? '');
      // points where the chart's first metric is known (a VM's memory may be unknown)
      const items = series.points.filter((p) => p.avg[first] !== null && p.avg[first] !== undefined);
      const last = items[items.length - 1];
      const peak = items.reduce((m, p) => lines.reduce((a, l) => Math.max(a, l.value(p)), m), 0);
      const max = c.max?.(last, col) || niceBytesCeil(peak);
      return {
        title: c.title,
        testId: c.testId,
        lines,
        items,
        latest: lines.map((l) => (last ? l.show(l.value(last)) : '—')),
        max,
        maxLabel: c.maxLabel(max),
      };
    });
  }, [series]);
  const label = RANGE_LABEL[series.range];
  return (
    <div class="chart-grid-4" data-testid="history-charts" data-range={series.range}>
      {charts.map((c) => (
        <LineChart
          key={c.testId}
          {...c}
          end={series.to}
          windowMs={series.to - series.from}
          gapMs={series.stepSeconds * 2500}
          startLabel={label.start}
          windowLabel={label.window}
        />
      ))}
    </div>
  );
}
