/**
 * The host's own address as a link, only when it is an https URL: a host's data never becomes a
 * `javascript:` (or any other) link in the hub's page.
 */
export function safeHostUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
