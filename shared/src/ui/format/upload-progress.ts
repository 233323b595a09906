import { UPLOAD_EXTENSIONS } from '@quantix/shared';
import { formatBytes, formatRate } from './format-bytes.ts';
import { formatDuration } from './format-time.ts';

/** Whole percent, 0–100; never 100 before the last byte (a rounded 99.6 would look finished). */
export function uploadPercent(loaded: number, total: number): number {
  if (!(total > 0) || loaded <= 0) return 0;
  if (loaded >= total) return 100;
  return Math.min(99, Math.floor((loaded / total) * 100));
}

/** Bytes per second since the start; null for the first half second, when it means nothing. */
export function uploadRate(loaded: number, elapsedMs: number): number | null {
  if (elapsedMs < 500 || loaded <= 0) return null;
  return loaded / (elapsedMs / 1000);
}

/** Seconds left at the average rate so far, or null when there is no rate yet. */
export function uploadEta(loaded: number, total: number, elapsedMs: number): number | null {
  const rate = uploadRate(loaded, elapsedMs);
  if (rate === null || rate <= 0) return null;
  return Math.max(0, Math.ceil((total - loaded) / rate));
}

/** `42% — 1.05 GiB of 2.50 GiB · 80.0 MiB/s · 19s left` */
export function describeUpload(loaded: number, total: number, elapsedMs: number): string {
  const parts = [`${uploadPercent(loaded, total)}% — ${formatBytes(loaded)} of ${formatBytes(total)}`];
  const rate = uploadRate(loaded, elapsedMs);
  const eta = uploadEta(loaded, total, elapsedMs);
  if (rate !== null) parts.push(formatRate(rate));
  if (eta !== null && loaded < total) parts.push(`${formatDuration(eta)} left`);
  if (loaded >= total && total > 0) parts.push('finishing on the host…');
  return parts.join(' · ');
}

/** The browser may upload ISO and disk images (shared UPLOAD_EXTENSIONS); null when the file is fine. */
export function checkUploadFile(file: { name: string; size: number }): string | null {
  if (!UPLOAD_EXTENSIONS.some((e) => file.name.toLowerCase().endsWith(e))) {
    return `"${file.name}" is not an ISO or disk image (${UPLOAD_EXTENSIONS.join(', ')}).`;
  }
  if (file.size === 0) return `"${file.name}" is empty.`;
  if (file.name.length > 200) return 'The file name is longer than 200 characters.';
  return null;
}
