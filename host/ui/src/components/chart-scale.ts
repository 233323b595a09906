/** Pure geometry for the SVG line chart: nice axis maxima and path strings. */

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

const round = (n: number) => Math.round(n * 10) / 10;

export function toXY(p: Point, vp: Viewport): [number, number] {
  const span = vp.t1 - vp.t0 || 1;
  const ratio = vp.max > 0 ? Math.min(1, Math.max(0, p.v / vp.max)) : 0;
  return [round(((p.t - vp.t0) / span) * vp.width), round(vp.height - ratio * vp.height)];
}

/**
 * A line through the points, broken where samples are missing for more than `gapMs` (the
 * socket was down), plus the area under it for a fill. Points must be ordered by time.
 */
export function buildPaths(
  points: readonly Point[],
  vp: Viewport,
  gapMs: number,
): { line: string; area: string } {
  const segments: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  let lastT = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    if (p.t - lastT > gapMs && current.length > 0) {
      segments.push(current);
      current = [];
    }
    current.push(toXY(p, vp));
    lastT = p.t;
  }
  if (current.length > 0) segments.push(current);

  let line = '';
  let area = '';
  for (const seg of segments) {
    const body = seg.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x},${y}`).join('');
    line += body;
    const first = seg[0];
    const last = seg[seg.length - 1];
    if (first && last) area += `M${first[0]},${vp.height}${body.replace(/^M/, 'L')}L${last[0]},${vp.height}Z`;
  }
  return { line, area };
}
