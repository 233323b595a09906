import { normalizeRel } from '../storage/pool-path.ts';
import { useRoute } from './use-route.ts';

/** How many entries a Files tab shows a page. */
export const FILES_PAGE = 100;

/** Where a Files tab is, kept in the URL: the folder (`?path=`) and the page (`?offset=`). */
export interface FolderQuery {
  /** the folder asked for, relative to the pool */
  readonly path: string;
  readonly offset: number;
  /** opens a folder at its first page, as a history entry (Back returns) */
  open(dir: string): void;
  /** goes to the page at `offset`, as a history entry */
  page(offset: number): void;
}

export function useFolderQuery(): FolderQuery {
  const route = useRoute();
  return {
    path: normalizeRel(route.query.get('path') ?? ''),
    offset: Math.max(0, Math.floor(Number(route.query.get('offset')) || 0)),
    open: (dir) => route.setQuery({ path: normalizeRel(dir), offset: null }, { push: true }),
    page: (o) => route.setQuery({ offset: o === 0 ? null : String(o) }, { push: true }),
  };
}
