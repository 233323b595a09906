import type { TelemetrySample } from '@quantix/shared';
import { useMemo } from 'preact/hooks';
import { formatBytes, formatPercent, formatRate } from '../format/format-bytes.ts';
import { TELEMETRY_WINDOW_MS } from '../store/telemetry-window.ts';
import { useStore } from '../store/use-store.ts';
import { niceBytesCeil, type Point } from './chart-scale.ts';
import { LineChart } from './line-chart.tsx';

const series = (samples: readonly TelemetrySample[], pick: (s: TelemetrySample) => number): Point[] =>
  samples.map((s) => ({ t: s.t, v: pick(s) }));

const peak = (...lists: Point[][]) => lists.reduce((m, l) => l.reduce((a, p) => Math.max(a, p.v), m), 0);

/** The four live charts. They move with the samples' own clock, one step per `telemetry:sample`. */
export function TelemetryCharts() {
  const samples = useStore((s) => s.telemetry.samples);
  const charts = useMemo(() => {
    const last = samples[samples.length - 1];
    const cpu = series(samples, (s) => s.cpu.total);
    const mem = series(samples, (s) => s.memory.used);
    const read = series(samples, (s) => s.disk.readBps);
    const write = series(samples, (s) => s.disk.writeBps);
    const rx = series(samples, (s) => s.net.rxBps);
    const tx = series(samples, (s) => s.net.txBps);
    const memMax = last?.memory.total || niceBytesCeil(peak(mem));
    const diskMax = niceBytesCeil(peak(read, write));
    const netMax = niceBytesCeil(peak(rx, tx));
    const fmt = (f: (s: TelemetrySample) => string) => (last ? f(last) : '—');
    return {
      end: last?.t ?? 0,
      cpu: {
        max: 100,
        series: [
          {
            label: 'CPU',
            points: cpu,
            latest: fmt((s) => formatPercent(s.cpu.total)),
            valueTestId: 'value-cpu',
          },
        ],
      },
      mem: {
        max: memMax,
        series: [
          {
            label: 'Used',
            points: mem,
            latest: fmt((s) => `${formatBytes(s.memory.used)} of ${formatBytes(s.memory.total)}`),
            valueTestId: 'value-memory',
          },
        ],
      },
      disk: {
        max: diskMax,
        series: [
          {
            label: 'Read',
            points: read,
            latest: fmt((s) => formatRate(s.disk.readBps)),
            valueTestId: 'value-disk-read',
          },
          {
            label: 'Write',
            points: write,
            latest: fmt((s) => formatRate(s.disk.writeBps)),
            valueTestId: 'value-disk-write',
          },
        ],
      },
      net: {
        max: netMax,
        series: [
          {
            label: 'Rx',
            points: rx,
            latest: fmt((s) => formatRate(s.net.rxBps)),
            valueTestId: 'value-net-rx',
          },
          {
            label: 'Tx',
            points: tx,
            latest: fmt((s) => formatRate(s.net.txBps)),
            valueTestId: 'value-net-tx',
          },
        ],
      },
    };
  }, [samples]);

  const common = { end: charts.end, windowMs: TELEMETRY_WINDOW_MS };
  return (
    <div class="chart-grid-4">
      <LineChart
        {...common}
        title="CPU"
        testId="chart-cpu"
        max={100}
        maxLabel="100%"
        series={charts.cpu.series}
      />
      <LineChart
        {...common}
        title="Memory"
        testId="chart-memory"
        max={charts.mem.max}
        maxLabel={formatBytes(charts.mem.max)}
        series={charts.mem.series}
      />
      <LineChart
        {...common}
        title="Disk I/O"
        testId="chart-disk"
        max={charts.disk.max}
        maxLabel={formatRate(charts.disk.max)}
        series={charts.disk.series}
      />
      <LineChart
        {...common}
        title="Network"
        testId="chart-net"
        max={charts.net.max}
        maxLabel={formatRate(charts.net.max)}
        series={charts.net.series}
      />
    </div>
  );
}
