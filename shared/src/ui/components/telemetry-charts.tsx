import type { TelemetrySample } from '@quantix/shared';
import { useMemo } from 'preact/hooks';
import { formatBytes, formatPercent, formatRate } from '../format/format-bytes.ts';
import { TELEMETRY_WINDOW_MS } from '../store/telemetry-window.ts';
import { niceBytesCeil } from './chart-scale.ts';
import { type ChartLine, LineChart } from './line-chart.tsx';

type Pick = (s: TelemetrySample) => number;
interface Line extends ChartLine<TelemetrySample> {
  /** the legend's text for the latest sample */
  readonly show: (s: TelemetrySample) => string;
}
interface Chart {
  readonly title: string;
  readonly testId: string;
  readonly lines: readonly Line[];
  /** the top of the y axis, from the latest sample; by default the highest value in the window, rounded up */
  readonly max?: (last: TelemetrySample | undefined) => number;
  readonly maxLabel: (max: number) => string;
}

const rate = (label: string, valueTestId: string, value: Pick): Line => ({
  label,
  valueTestId,
  value,
  show: (s) => formatRate(value(s)),
});

const CHARTS: readonly Chart[] = [
  {
    title: 'CPU',
    testId: 'chart-cpu',
    max: () => 100,
    maxLabel: (m) => formatPercent(m, 0),
    lines: [
      {
        label: 'CPU',
        valueTestId: 'value-cpu',
        value: (s) => s.cpu.total,
        show: (s) => formatPercent(s.cpu.total),
      },
    ],
  },
  {
    title: 'Memory',
    testId: 'chart-memory',
    max: (last) => last?.memory.total ?? 0,
    maxLabel: formatBytes,
    lines: [
      {
        label: 'Used',
        valueTestId: 'value-memory',
        value: (s) => s.memory.used,
        show: (s) => `${formatBytes(s.memory.used)} of ${formatBytes(s.memory.total)}`,
      },
    ],
  },
  {
    title: 'Disk I/O',
    testId: 'chart-disk',
    maxLabel: formatRate,
    lines: [
      rate('Read', 'value-disk-read', (s) => s.disk.readBps),
      rate('Write', 'value-disk-write', (s) => s.disk.writeBps),
    ],
  },
  {
    title: 'Network',
    testId: 'chart-net',
    maxLabel: formatRate,
    lines: [rate('Rx', 'value-net-rx', (s) => s.net.rxBps), rate('Tx', 'value-net-tx', (s) => s.net.txBps)],
  },
];

const peak = (samples: readonly TelemetrySample[], lines: readonly Line[]) =>
  lines.reduce((m, l) => samples.reduce((a, s) => Math.max(a, l.value(s)), m), 0);

/**
 * The four live charts of a host's telemetry (the host's own dashboard, or a host in the hub).
 * They move with the samples' own clock, one step per sample.
 */
export function TelemetryCharts(props: { samples: readonly TelemetrySample[] }) {
  const { samples } = props;
  const last = samples[samples.length - 1];
  const charts = useMemo(
    () =>
      CHARTS.map((c) => {
        const max = c.max?.(last) || niceBytesCeil(peak(samples, c.lines));
        const latest = c.lines.map((l) => (last ? l.show(last) : '—'));
        return { title: c.title, testId: c.testId, lines: c.lines, latest, max, maxLabel: c.maxLabel(max) };
      }),
    [samples],
  );

  return (
    <div class="chart-grid-4">
      {charts.map((c) => (
        <LineChart key={c.testId} {...c} items={samples} end={last?.t ?? 0} windowMs={TELEMETRY_WINDOW_MS} />
      ))}
    </div>
  );
}
