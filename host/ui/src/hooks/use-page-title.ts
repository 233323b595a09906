import { usePageTitle as usePageTitleOf } from '@quantix/shared/ui/hooks/use-page-title.ts';
import { useStore } from '../store/use-store.ts';

/** The shell's page title, with the host's name as the site. */
export function usePageTitle(detail: string | null) {
  usePageTitleOf(
    detail,
    useStore((s) => s.host.data?.hostname),
  );
}
