import type { PoolSummary } from '@quantix/shared';
import { UploadBox } from '@quantix/shared/ui/components/upload-box.tsx';
import { useRoute } from '@quantix/shared/ui/hooks/use-route.ts';
import { FileListingView } from '@quantix/shared/ui/storage/file-listing-view.tsx';
import { normalizeRel } from '@quantix/shared/ui/storage/pool-path.ts';
import { useEffect } from 'preact/hooks';
import { useApi, useStore } from '../../store/use-store.ts';

const PAGE = 100;

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
      <FileListingView
        pool={pool}
        path={path}
        listing={listing}
        loading={files.loading}
        error={files.error}
        onOpen={(dir) => route.setQuery({ path: normalizeRel(dir), offset: null }, { push: true })}
        onPage={(o) => route.setQuery({ offset: o === 0 ? null : String(o) }, { push: true })}
        downloadUrl={(file) => api.files.downloadUrl(pool, file)}
      />
    </div>
  );
}
