import type { FileEntry, PoolSummary } from '@quantix/shared';
import { useEffect } from 'preact/hooks';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { Pager } from '@quantix/shared/ui/components/pager.tsx';
import { formatBytes } from '@quantix/shared/ui/format/format-bytes.ts';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import { useRoute } from '@quantix/shared/ui/hooks/use-route.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import { breadcrumbs, normalizeRel } from './pool-path.ts';
import { UploadBox } from '@quantix/shared/ui/components/upload-box.tsx';

const PAGE = 100;

/** Where a click on an entry leads: directories, and links to directories, open in place. */
function targetDir(e: FileEntry): string | null {
  if (e.type === 'directory') return e.path;
  if (e.type === 'symlink' && e.link?.type === 'directory') return e.link.path;
  return null;
}

export function FilesTab(props: { pool: PoolSummary }) {
  const api = useApi();
  const route = useRoute();
  const pool = props.pool.name;
  const path = normalizeRel(route.query.get('path') ?? '');
  const offset = Math.max(0, Math.floor(Number(route.query.get('offset')) || 0));
  const files = useStore((s) => s.files);
  const reload = () => api.files.list(pool, path, offset, PAGE);
  useEffect(() => {
    void reload();
  }, [api, pool, path, offset]);

  const listing = files.data?.pool === pool ? files.data : null;
  // the host answers with the canonical directory (symlinks resolved)
  const shownPath = listing?.path ?? path;
  const open = (dir: string) => route.setQuery({ path: normalizeRel(dir), offset: null }, { push: true });

  return (
    <div data-testid="pool-files">
      <UploadBox
        upload={(file, onProgress) => api.files.upload(pool, shownPath, file, onProgress)}
        onUploaded={() => {
          void reload();
          void api.storage.loadVolumes(pool);
          void api.storage.loadPools();
        }}
      />
      <nav class="breadcrumbs" aria-label="Folder" data-testid="breadcrumbs">
        {breadcrumbs(pool, shownPath).map((c, i, all) => (
          <span key={c.path} class="crumb">
            {i > 0 && <span class="muted"> / </span>}
            {i === all.length - 1 ? (
              <strong aria-current="location">{c.label}</strong>
            ) : (
              <button type="button" class="link-button" onClick={() => open(c.path)} data-testid="breadcrumb">
                {c.label}
              </button>
            )}
          </span>
        ))}
        {files.loading && <span class="spinner" aria-hidden="true" />}
      </nav>
      <ErrorMessage error={files.error} testId="files-error" />
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
                          onClick={() => open(dir)}
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
                      {file !== null && (
                        <a
                          class="btn btn-secondary btn-small"
                          href={api.files.downloadUrl(pool, file)}
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
          onPage={(o) => route.setQuery({ offset: o === 0 ? null : String(o) }, { push: true })}
          testId="files-pager"
        />
      )}
    </div>
  );
}
