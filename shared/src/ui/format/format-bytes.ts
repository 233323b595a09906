const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** IEC units with three significant digits: `0 B`, `512 B`, `1.50 KiB`, `15.6 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  // 1023.9 KiB would print as "1024 KiB"; three significant digits unless that happens
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

export function formatPercent(pct: number, digits = 1): string {
  if (!Number.isFinite(pct)) return '—';
  return `${pct.toFixed(digits)}%`;
}

/** Share of `part` in `whole` as 0–100, 0 when `whole` is 0. */
export function percentOf(part: number, whole: number): number {
  if (!(whole > 0)) return 0;
  return Math.min(100, Math.max(0, (part / whole) * 100));
}

/** Memory sizes the host gives in MiB. */
export function formatMiB(mib: number | null | undefined): string {
  if (mib === null || mib === undefined) return '—';
  return formatBytes(mib * 1024 * 1024);
}
