import type { TelemetrySample } from '@quantix/shared';
import { useMemo } from 'preact/hooks';
import { formatBytes, formatPercent, formatRate } from '../format/format-bytes.ts';
import { TELEMETRY_WINDOW_MS } from '../store/telemetry-window.ts';
import { useStore } from '../store/use-store.ts';
import { niceBytesCeil, type Point } from './chart-scale.ts';
import { LineChart } from './line-chart.tsx';

type Pick = (s: TelemetrySample) => number;
interface Line {
  readonly label: string;
  readonly valueTestId: string;
  readonly pick: Pick;
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

const rate = (label: string, valueTestId: string, pick: Pick): Line => ({
  label,
  valueTestId,
  pick,
  show: (s) => formatRate(pick(s)),
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
        pick: (s) => s.cpu.total,
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
        pick: (s) => s.memory.used,
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

const peak = (lists: readonly Point[][]) =>
  lists.reduce((m, l) => l.reduce((a, p) => Math.max(a, p.v), m), 0);

/** The four live charts. They move with the samples' own clock, one step per `telemetry:sample`. */
export function TelemetryCharts() {
  const samples = useStore((s) => s.telemetry.samples);
  const last = samples[samples.length - 1];
  const charts = useMemo(
    () =>
      CHARTS.map((c) => {
        const series = c.lines.map((l) => ({
          label: l.label,
          valueTestId: l.valueTestId,
          points: samples.map((s): Point => ({ t: s.t, v: l.pick(s) })),
          latest: last ? l.show(last) : '—',
        }));
        const max = c.max?.(last) || niceBytesCeil(peak(series.map((s) => s.points)));
        return { title: c.title, testId: c.testId, series, max, maxLabel: c.maxLabel(max) };
      }),
    [samples],
  );

  return (
    <div class="chart-grid-4">
      {charts.map((c) => (
        <LineChart key={c.testId} {...c} end={last?.t ?? 0} windowMs={TELEMETRY_WINDOW_MS} />
      ))}
    </div>
  );
}
