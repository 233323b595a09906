import type { HubInfo } from '@quantix/shared';

/** The hub as the top bar names it: the host part of the URL hosts reach it at. */
export function hubName(info: HubInfo | null): string | undefined {
  if (!info) return undefined;
  try {
    return new URL(info.publicUrl).host || undefined;
  } catch {
    return undefined;
  }
}
