import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { tracePath, type Viewport } from './chart-scale.ts';

export interface ChartLine<T> {
  readonly label: string;
  readonly valueTestId: string;
  readonly value: (item: T) => number;
}

// a 1 s sample rate: a gap of more than 3 s means we were offline
const GAP_MS = 3000;
const GRID = [0.25, 0.5, 0.75];
const GRID_COLOUR = '#edf0f3';
const AREA_ALPHA = 0.12;
const LINE_WIDTH = 1.5;
const SERIES_COLOURS = ['--s0', '--s1'];

/**
 * A small time-series chart on a canvas: the last `windowMs` up to `end`, 0 at the bottom and
 * `max` at the top. A canvas because the dashboard redraws four of these every second: an SVG
 * path of 300 points is re-laid out and re-rastered whole each time, a canvas is just painted.
 * Drawing waits for the next frame (one draw per frame, none in a tab the browser is not showing).
 */
export function LineChart<T extends { readonly t: number }>(props: {
  title: string;
  testId: string;
  items: readonly T[];
  lines: readonly ChartLine<T>[];
  /** the legend's text per line, for the latest item */
  latest: readonly string[];
  end: number;
  windowMs: number;
  max: number;
  maxLabel: string;
  /** a longer pause between two items is drawn as a gap; default 3 s (1 s samples) */
  gapMs?: number;
  /** the footer's left label and the window's name for screen readers; default the last 5 minutes */
  startLabel?: string;
  windowLabel?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const schedule = useFrameScheduler(() => {
    if (canvas.current) paint(canvas.current, props);
  });
  useLayoutEffect(schedule, [props.items, props.max, props.end, props.windowMs]);
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const resized = new ResizeObserver(() => {
      el.width = Math.max(1, Math.round(el.clientWidth * devicePixelRatio));
      el.height = Math.max(1, Math.round(el.clientHeight * devicePixelRatio));
      schedule();
    });
    resized.observe(el);
    return () => resized.disconnect();
  }, []);

  const last = props.items[props.items.length - 1];
  return (
    <figure
      class="chart"
      data-testid={props.testId}
      data-samples={props.items.length}
      data-last-t={last?.t ?? ''}
    >
      <figcaption class="chart-head">
        <span class="chart-title">{props.title}</span>
        <span class="chart-legend">
          {props.lines.map((l, i) => (
            <span key={l.label} class={`legend-item series-${i}`}>
              <span class="legend-swatch" aria-hidden="true" />
              {props.lines.length > 1 && `${l.label} `}
              <strong data-testid={l.valueTestId}>{props.latest[i] ?? '—'}</strong>
            </span>
          ))}
        </span>
      </figcaption>
      <div class="chart-plot">
        <canvas
          ref={canvas}
          // set through CSSOM, which the CSP allows (no style attribute in the markup)
          style={{ display: 'block', width: '100%', height: '100%' }}
          role="img"
          aria-label={`${props.title}, ${props.windowLabel ?? 'last 5 minutes'}`}
        />
        <span class="axis-label axis-max">{props.maxLabel}</span>
        <span class="axis-label axis-zero">0</span>
      </div>
      <div class="chart-foot" aria-hidden="true">
        <span>{props.startLabel ?? '−5 min'}</span>
        <span>now</span>
      </div>
    </figure>
  );
}

/** Returns `schedule()`: runs `fn` once in the next animation frame however often it is called before. */
function useFrameScheduler(fn: () => void): () => void {
  const run = useRef(fn);
  run.current = fn;
  const frame = useRef(0);
  const schedule = useRef(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      run.current();
    });
  });
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  return schedule.current;
}

const colourCache = new WeakMap<HTMLCanvasElement, string[]>();
/** The series colours from the style sheet's custom properties, read once per canvas. */
function coloursOf(el: HTMLCanvasElement): string[] {
  let colours = colourCache.get(el);
  if (!colours) {
    const css = getComputedStyle(el);
    colours = SERIES_COLOURS.map((name) => css.getPropertyValue(name).trim() || '#000');
    colourCache.set(el, colours);
  }
  return colours;
}

function paint<T extends { readonly t: number }>(
  el: HTMLCanvasElement,
  p: {
    items: readonly T[];
    lines: readonly ChartLine<T>[];
    end: number;
    windowMs: number;
    max: number;
    gapMs?: number;
  },
): void {
  const ctx = el.getContext('2d');
  if (!ctx) return;
  const { width, height } = el;
  ctx.clearRect(0, 0, width, height);
  const px = devicePixelRatio;
  ctx.lineWidth = px;
  ctx.strokeStyle = GRID_COLOUR;
  ctx.beginPath();
  for (const f of GRID) {
    // on a pixel's centre, so a 1 px line stays crisp
    const y = Math.round(height * f) + 0.5;
    ctx.moveTo(0, y);
    ctx.lineTo(width, y);
  }
  ctx.stroke();

  const vp: Viewport = { t0: p.end - p.windowMs, t1: p.end, max: p.max, width, height };
  const time = (item: T) => item.t;
  const colours = coloursOf(el);
  p.lines.forEach((line, i) => {
    const colour = colours[i % colours.length] ?? '#000';
    if (i === 0 && p.lines.length === 1) {
      ctx.beginPath();
      tracePath(p.items, time, line.value, vp, p.gapMs ?? GAP_MS, ctx, true);
      ctx.globalAlpha = AREA_ALPHA;
      ctx.fillStyle = colour;
      ctx.fill();
      ctx.globalAlpha = 1;
    }
    ctx.beginPath();
    tracePath(p.items, time, line.value, vp, p.gapMs ?? GAP_MS, ctx);
    ctx.lineWidth = LINE_WIDTH * px;
    ctx.lineJoin = 'round';
    ctx.strokeStyle = colour;
    ctx.stroke();
  });
}
