import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '@quantix/shared';

/**
 * Containment of user-supplied paths in a pool's target directory.
 *
 * The rule is realpath + path.relative, never a string test on the request: `a..b` is a legal
 * name, while `../alpha-sibling/x` (a sibling sharing a prefix with the pool), a symlink out of the
 * pool and `/etc/passwd` are not. Nothing here decodes: the route hands over the value exactly once
 * decoded by the query parser, so `%252e%252e` stays the literal name `%2e%2e`.
 *
 * What is not covered: a component swapped for a symlink between the check and the open. Only root
 * and libvirt write to pool directories, so we accept that window (downloads open with O_NOFOLLOW,
 * which closes it for the last component).
 */

/** True when `child` (absolute, normalised) is `root` or below it. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The '/'-separated path of `abs` relative to the pool root ('' for the root itself). */
export function toPoolPath(realRoot: string, abs: string): string {
  return relative(realRoot, abs).split(sep).join('/');
}

/** The pool root with every symlink resolved; a missing directory is FILE_NOT_FOUND. */
export async function realPoolRoot(poolRoot: string): Promise<string> {
  if (!isAbsolute(poolRoot)) throw new AppError('INTERNAL', 'pool target path is not absolute');
  try {
    return await realpath(poolRoot);
  } catch (err) {
    throw fsError(err, 'the pool directory');
  }
}

function refuse(requested: string): AppError {
  // The request is echoed only without control characters.
  return new AppError('PATH_OUTSIDE_POOL', `path is outside the pool: ${JSON.stringify(requested)}`);
}

/** Syntax checks that need no file system: NUL bytes and absolute paths are refused outright. */
function checkSyntax(requested: string): void {
  if (requested.includes('\0') || isAbsolute(requested)) throw refuse(requested);
  // A backslash is an ordinary name character on Linux, not a separator: `..\x` is one name.
}

/**
 * Resolves `requested` (relative to the pool root) to its real absolute path, which is inside the
 * real pool root. Symlinks inside the pool that lead inside it are followed; any way out is
 * PATH_OUTSIDE_POOL (403); a path that does not exist is FILE_NOT_FOUND (404) — but only after the
 * part that does exist was shown to be inside, so nothing outside can be probed for existence.
 */
export async function resolveInsidePool(poolRoot: string, requested: string): Promise<string> {
  checkSyntax(requested);
  const root = await realPoolRoot(poolRoot);
  const candidate = resolve(root, requested);
  // Lexically outside (`..`, `sub/../../x`): refuse before touching the file system.
  if (!isInside(root, candidate)) throw refuse(requested);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') await assertMissingPartInside(root, candidate, requested);
    throw fsError(err, requested);
  }
  if (!isInside(root, real)) throw refuse(requested);
  return real;
}

/**
 * Where a new file named `baseName` (already sanitised: no separators) would go in the directory
 * `dirRequested`. The directory is resolved and contained like any path; the result need not exist.
 */
export async function resolveNewFileInsidePool(
  poolRoot: string,
  dirRequested: string,
  baseName: string,
): Promise<{ root: string; dir: string; file: string }> {
  if (baseName === '' || baseName === '.' || baseName === '..' || baseName.includes('/')) {
    throw new AppError('VALIDATION_FAILED', 'invalid file name');
  }
  const root = await realPoolRoot(poolRoot);
  const dir = await resolveInsidePool(root, dirRequested);
  return { root, dir, file: join(dir, baseName) };
}

/**
 * For a path that does not resolve: find the deepest ancestor that does and make sure it (and a
 * dangling symlink at the point of failure) stays in the pool; otherwise `dir-link-out/nope` would
 * answer 404 against 403 for `dir-link-out/passwd` and tell what exists outside.
 */
async function assertMissingPartInside(root: string, candidate: string, requested: string): Promise<void> {
  let child = candidate;
  let parent = dirname(candidate);
  while (isInside(root, parent)) {
    let realParent: string;
    try {
      realParent = await realpath(parent);
    } catch {
      child = parent;
      parent = dirname(parent);
      continue;
    }
    if (!isInside(root, realParent)) throw refuse(requested);
    const probe = join(realParent, basename(child));
    try {
      const st = await lstat(probe);
      if (st.isSymbolicLink()) {
        const target = resolve(realParent, await readlink(probe));
        if (!isInside(root, target)) throw refuse(requested);
      }
    } catch (err) {
      if (err instanceof AppError) throw err;
    }
    return;
  }
  throw refuse(requested);
}

/** Maps a Node file-system error to the closed list of codes. */
export function fsError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const name = JSON.stringify(what);
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new AppError('FILE_NOT_FOUND', `no such file: ${name}`, { cause: err });
    case 'ELOOP':
      return new AppError('FILE_NOT_FOUND', `too many symlinks: ${name}`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new AppError('FORBIDDEN', `permission denied: ${name}`, { cause: err });
    case 'ENOSPC':
    case 'EDQUOT':
      return new AppError('INSUFFICIENT_SPACE', 'no space left in the pool', { cause: err });
    case 'ENAMETOOLONG':
      return new AppError('VALIDATION_FAILED', 'path too long', { cause: err });
    default:
      return new AppError('INTERNAL', `file system error on ${name}`, { cause: err });
  }
}
