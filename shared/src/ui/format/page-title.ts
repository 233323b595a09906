/** `web01 — VM — host1 — Quantix`: the most specific first, so a tab strip shows what matters. */
export function pageTitle(parts: { page: string; detail?: string | null; hostname?: string | null }): string {
  return [parts.detail, parts.page, parts.hostname, 'Quantix'].filter((p) => p).join(' — ');
}
