import type { TelemetrySample } from '@quantix/shared';
import { mergeSamples } from '../store/telemetry-window.ts';

/** Whether the page is hidden (a background tab), and word when that changes: `document`. */
export interface PageVisibility {
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', fn: () => void): void;
  removeEventListener(type: 'visibilitychange', fn: () => void): void;
}

/** The document when there is one (not in node's tests). */
export const pageOrNull = (): PageVisibility | null => (typeof document === 'undefined' ? null : document);

/**
 * Live samples on their way to the store. While the page is hidden they are held here instead:
 * nothing re-renders or redraws in a background tab. They all go in at once when it is shown
 * again, so the charts are complete and current the moment they are seen. The subscription
 * stays, so no second of history is lost.
 */
export function holdWhileHidden(
  page: PageVisibility | null,
  deliver: (samples: readonly TelemetrySample[]) => void,
): { push(sample: TelemetrySample): void; stop(): void } {
  let held: readonly TelemetrySample[] = [];
  const release = () => {
    if (page?.hidden || held.length === 0) return;
    const samples = held;
    held = [];
    deliver(samples);
  };
  page?.addEventListener('visibilitychange', release);
  return {
    push(sample) {
      if (page?.hidden) held = mergeSamples(held, [sample]);
      else deliver([sample]);
    },
    stop: () => page?.removeEventListener('visibilitychange', release),
  };
}
