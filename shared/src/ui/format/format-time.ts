/** `3d 4h 5m`, `4h 5m 6s`, `5m 6s`, `6s`: the two or three most useful units. */
export function formatDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) return '—';
  const s = Math.floor(totalSeconds);
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (days > 0) return `${days}d ${hours}h ${minutes}m`;
  if (hours > 0) return `${hours}h ${minutes}m ${seconds}s`;
  if (minutes > 0) return `${minutes}m ${seconds}s`;
  return `${seconds}s`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Time left as `m:ss` or `h:mm:ss`; `null` once it is over. */
export function formatCountdown(msLeft: number): string | null {
  if (!Number.isFinite(msLeft) || msLeft <= 0) return null;
  const s = Math.ceil(msLeft / 1000);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/** Minutes east of UTC as `UTC+01:00`, `UTC-03:30`; plain `UTC` at zero. */
export function formatUtcOffset(minutesEast: number): string {
  if (!Number.isFinite(minutesEast) || minutesEast === 0) return 'UTC';
  const abs = Math.abs(Math.round(minutesEast));
  return `UTC${minutesEast > 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Local `YYYY-MM-DD HH:MM:SS UTC+01:00`: sortable, and the zone says which clock it is (the
 * browser's, which need not be the host's). The offset is the one in force at that moment.
 */
export function formatDateTime(value: string | number | Date): string {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ` +
    formatUtcOffset(-d.getTimezoneOffset())
  );
}

/** `in 3d 4h 5m` / `5m 6s ago` relative to `now`. */
export function formatRelative(value: string | number, now: number): string {
  const t = new Date(value).getTime();
  if (Number.isNaN(t)) return '—';
  const diff = (t - now) / 1000;
  if (Math.abs(diff) < 1) return 'now';
  return diff > 0 ? `in ${formatDuration(diff)}` : `${formatDuration(-diff)} ago`;
}
