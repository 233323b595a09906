/** Pure geometry for the line chart: nice axis maxima and the paths it draws. */

const STEPS = [1, 2, 5, 10] as const;

/** The smallest 1·2·5 × 10ⁿ ≥ v (and ≥ `min`). */
export function niceCeil(v: number, min = 1): number {
  const target = Math.max(v, min);
  if (!Number.isFinite(target) || target <= 0) return min;
  const magnitude = 10 ** Math.floor(Math.log10(target));
  for (const step of STEPS) {
    const candidate = step * magnitude;
    // float noise: 3 * 0.1 etc.
    if (candidate >= target * (1 - 1e-9)) return candidate;
  }
  return 10 * magnitude;
}

/** Like niceCeil but in 1024-based units, so the axis label reads `2 MiB/s`, not `2.10 MB/s`. */
export function niceBytesCeil(v: number, min = 1024): number {
  const target = Math.max(v, min);
  let unit = 1;
  while (target / unit >= 1024) unit *= 1024;
  const nice = niceCeil(target / unit);
  // 1000 KiB (or 2000 KiB for 1001–1023 KiB) reads badly: go up to 1 MiB instead
  return nice >= 1000 ? 1024 * unit : nice * unit;
}

export interface Viewport {
  /** time at the left and right edge (ms) */
  readonly t0: number;
  readonly t1: number;
  /** value at the top edge; the bottom is 0 */
  readonly max: number;
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly t: number;
  readonly v: number;
}

export function toXY(p: Point, vp: Viewport): [number, number] {
  const span = vp.t1 - vp.t0 || 1;
  const ratio = vp.max > 0 ? Math.min(1, Math.max(0, p.v / vp.max)) : 0;
  return [((p.t - vp.t0) / span) * vp.width, vp.height - ratio * vp.height];
}

/** What a path is drawn into: a canvas 2D context has these two, a test records them. */
export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
}

/**
 * Traces a line through `items` (ordered by time) into `sink`, broken where more than `gapMs`
 * passes between two of them (the socket was down). With `area`, each run is traced as the
 * outline of the area under it instead (down to the bottom edge and back), ready to fill.
 * Reads each item through `t` and `v`: no point arrays are built per draw.
 */
export function tracePath<T>(
  items: readonly T[],
  t: (item: T) => number,
  v: (item: T) => number,
  vp: Viewport,
  gapMs: number,
  sink: PathSink,
  area = false,
): void {
  let lastT = Number.NEGATIVE_INFINITY;
  let lastX = 0;
  for (const item of items) {
    const time = t(item);
    const [x, y] = toXY({ t: time, v: v(item) }, vp);
    if (time - lastT <= gapMs) sink.lineTo(x, y);
    else if (!area) sink.moveTo(x, y);
    else {
      // close the previous run down to the bottom edge, start this one from it
      if (lastT !== Number.NEGATIVE_INFINITY) sink.lineTo(lastX, vp.height);
      sink.moveTo(x, vp.height);
      sink.lineTo(x, y);
    }
    lastT = time;
    lastX = x;
  }
  if (area && lastT !== Number.NEGATIVE_INFINITY) sink.lineTo(lastX, vp.height);
}
