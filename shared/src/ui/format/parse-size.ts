export const GiB = 1024 ** 3;

/** A positive size in GiB as typed (decimals allowed), at most 65536 (shared's limit), or null. */
export function parseGiB(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return n > 0 && n <= 65_536 ? n : null;
}
