import type { TelemetrySample } from '@quantix/shared';
import type { ErrorInfo } from './shell-state.ts';

/** The charts show five minutes. */
export const TELEMETRY_WINDOW_MS = 300_000;

/** The live samples a view shows (the window's), and why they stopped coming if they did. */
export interface TelemetryView {
  readonly samples: readonly TelemetrySample[];
  readonly error: ErrorInfo | null;
}

/**
 * Merges incoming samples (one live sample, or the history from a (re)subscribe ack) into the
 * buffer: ordered by time, one sample per timestamp, nothing older than the window before the
 * newest sample. Returns the same array when nothing changed.
 */
export function mergeSamples(
  current: readonly TelemetrySample[],
  incoming: readonly TelemetrySample[],
  windowMs = TELEMETRY_WINDOW_MS,
): readonly TelemetrySample[] {
  if (incoming.length === 0) return current;
  const last = current[current.length - 1];
  const first = incoming[0];
  let merged: TelemetrySample[];
  if (incoming.length === 1 && first && (!last || first.t > last.t)) {
    // the every-second case: append
    merged = [...current, first];
  } else {
    const byTime = new Map<number, TelemetrySample>();
    for (const s of current) byTime.set(s.t, s);
    for (const s of incoming) byTime.set(s.t, s);
    merged = [...byTime.values()].sort((a, b) => a.t - b.t);
  }
  const newest = merged[merged.length - 1];
  if (!newest) return current;
  const cutoff = newest.t - windowMs;
  let start = 0;
  while (start < merged.length && (merged[start]?.t ?? 0) < cutoff) start++;
  return start === 0 ? merged : merged.slice(start);
}
