import { buildPaths, type Point } from './chart-scale.ts';

export interface ChartSeries {
  readonly label: string;
  readonly points: readonly Point[];
  /** the latest value, formatted; shown in the legend */
  readonly latest: string;
  readonly valueTestId: string;
}

const W = 600;
const H = 140;

/**
 * A small SVG time-series chart: the last `windowMs` up to `end`, 0 at the bottom and `max`
 * at the top. The SVG stretches to its box; `non-scaling-stroke` keeps the lines 1.5 px.
 */
export function LineChart(props: {
  title: string;
  testId: string;
  series: readonly ChartSeries[];
  end: number;
  windowMs: number;
  max: number;
  maxLabel: string;
}) {
  const vp = { t0: props.end - props.windowMs, t1: props.end, max: props.max, width: W, height: H };
  const first = props.series[0];
  return (
    <figure
      class="chart"
      data-testid={props.testId}
      data-samples={first?.points.length ?? 0}
      data-last-t={first?.points[first.points.length - 1]?.t ?? ''}
    >
      <figcaption class="chart-head">
        <span class="chart-title">{props.title}</span>
        <span class="chart-legend">
          {props.series.map((s, i) => (
            <span key={s.label} class={`legend-item series-${i}`}>
              <span class="legend-swatch" aria-hidden="true" />
              {props.series.length > 1 && `${s.label} `}
              <strong data-testid={s.valueTestId}>{s.latest}</strong>
            </span>
          ))}
        </span>
      </figcaption>
      <div class="chart-plot">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={`${props.title}, last 5 minutes`}
        >
          {[0.25, 0.5, 0.75].map((f) => (
            <line
              key={f}
              class="chart-grid"
              x1={0}
              x2={W}
              y1={H * f}
              y2={H * f}
              vector-effect="non-scaling-stroke"
            />
          ))}
          {props.series.map((s, i) => {
            // a 1 s sample rate; a gap of more than 3 s means we were offline
            const paths = buildPaths(s.points, vp, 3000);
            return (
              <g key={s.label} class={`series-${i}`}>
                {i === 0 && props.series.length === 1 && <path class="chart-area" d={paths.area} />}
                <path class="chart-line" d={paths.line} vector-effect="non-scaling-stroke" />
              </g>
            );
          })}
        </svg>
        <span class="axis-label axis-max">{props.maxLabel}</span>
        <span class="axis-label axis-zero">0</span>
      </div>
      <div class="chart-foot" aria-hidden="true">
        <span>−5 min</span>
        <span>now</span>
      </div>
    </figure>
  );
}
