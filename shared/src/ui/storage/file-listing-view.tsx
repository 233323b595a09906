import type { FileEntry, FileListing } from '@quantix/shared';
import { ErrorMessage } from '../components/error-message.tsx';
import { Pager } from '../components/pager.tsx';
import { formatBytes } from '../format/format-bytes.ts';
import { formatDateTime } from '../format/format-time.ts';
import type { FolderQuery } from '../hooks/use-folder-query.ts';
import type { ErrorInfo } from '../store/shell-state.ts';
import { breadcrumbs } from './pool-path.ts';

/** Where a click on an entry leads: directories, and links to directories, open in place. */
function targetDir(e: FileEntry): string | null {
  if (e.type === 'directory') return e.path;
  if (e.type === 'symlink' && e.link?.type === 'directory') return e.link.path;
  return null;
}

/**
 * A directory of a pool: breadcrumbs, the entries (folders open in place) and the pager. With
 * `downloadUrl`, files get a Download link.
 */
export function FileListingView(props: {
  pool: string;
  /** the directory asked for (shown until the listing, with the canonical one, is there), and the way to others */
  folder: Pick<FolderQuery, 'path' | 'open' | 'page'>;
  listing: FileListing | null;
  loading: boolean;
  error: ErrorInfo | null;
  downloadUrl?: (path: string) => string;
}) {
  const { pool, folder, listing } = props;
  // the server answers with the canonical directory (symlinks resolved)
  const shownPath = listing?.path ?? folder.path;
  return (
    <>
      <nav class="breadcrumbs" aria-label="Folder" data-testid="breadcrumbs">
        {breadcrumbs(pool, shownPath).map((c, i, all) => (
          <span key={c.path} class="crumb">
            {i > 0 && <span class="muted"> / </span>}
            {i === all.length - 1 ? (
              <strong aria-current="location">{c.label}</strong>
            ) : (
              <button
                type="button"
                class="link-button"
                onClick={() => folder.open(c.path)}
                data-testid="breadcrumb"
              >
                {c.label}
              </button>
            )}
          </span>
        ))}
        {props.loading && <span class="spinner" aria-hidden="true" />}
      </nav>
      <ErrorMessage error={props.error} testId="files-error" />
      {listing &&
        (listing.entries.length === 0 ? (
          <p class="muted" data-testid="files-empty">
            This folder is empty.
          </p>
        ) : (
          <table class="table" data-testid="file-list">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th class="num">Size</th>
                <th>Modified</th>
                <th>Permissions</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {listing.entries.map((e) => {
                const dir = targetDir(e);
                // a link to a file in the pool downloads that file; a dangling one nothing
                const file = dir !== null ? null : e.type === 'symlink' ? (e.link?.path ?? null) : e.path;
                return (
                  <tr key={e.path} data-testid="file-row" data-name={e.name} data-type={e.type}>
                    <td>
                      {dir !== null ? (
                        <button
                          type="button"
                          class="link-button"
                          onClick={() => folder.open(dir)}
                          data-testid="file-open"
                        >
                          {e.name}/
                        </button>
                      ) : (
                        e.name
                      )}
                      {e.type === 'symlink' && (
                        <span class="muted"> → {e.link ? e.link.path : 'outside the pool or missing'}</span>
                      )}
                    </td>
                    <td>{e.type}</td>
                    <td class="num">{e.type === 'directory' ? '—' : formatBytes(e.size)}</td>
                    <td class="nowrap">{formatDateTime(e.modifiedAt)}</td>
                    <td class="mono">{e.permissions}</td>
                    <td class="actions">
                      {file !== null && props.downloadUrl && (
                        <a
                          class="btn btn-secondary btn-small"
                          href={props.downloadUrl(file)}
                          download={e.name}
                          data-testid="file-download"
                        >
                          Download
                        </a>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ))}
      {listing && (
        <Pager
          offset={listing.offset}
          limit={listing.limit}
          total={listing.total}
          onPage={folder.page}
          testId="files-pager"
        />
      )}
    </>
  );
}
