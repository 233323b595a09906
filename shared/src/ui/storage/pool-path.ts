/** Paths inside a pool: '/'-separated, relative to the pool root, '' is the root. */

export function normalizeRel(path: string): string {
  return path
    .split('/')
    .filter((seg) => seg !== '' && seg !== '.')
    .join('/');
}

export function joinRel(dir: string, name: string): string {
  const d = normalizeRel(dir);
  const n = normalizeRel(name);
  if (d === '') return n;
  if (n === '') return d;
  return `${d}/${n}`;
}

/** The parent directory; the root's parent is the root. */
export function parentRel(path: string): string {
  const segs = normalizeRel(path).split('/');
  segs.pop();
  return segs.join('/');
}

export interface Crumb {
  readonly label: string;
  readonly path: string;
}

/** The pool, then each directory down to `path`. */
export function breadcrumbs(pool: string, path: string): Crumb[] {
  const crumbs: Crumb[] = [{ label: pool, path: '' }];
  let at = '';
  for (const seg of normalizeRel(path).split('/')) {
    if (seg === '') continue;
    at = joinRel(at, seg);
    crumbs.push({ label: seg, path: at });
  }
  return crumbs;
}
