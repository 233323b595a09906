import type { PoolSummary } from '@quantix/shared';
import { UploadBox } from '@quantix/shared/ui/components/upload-box.tsx';
import { FILES_PAGE, useFolderQuery } from '@quantix/shared/ui/hooks/use-folder-query.ts';
import { FileListingView } from '@quantix/shared/ui/storage/file-listing-view.tsx';
import { useEffect } from 'preact/hooks';
import { useApi, useStore } from '../../store/use-store.ts';

export function FilesTab(props: { pool: PoolSummary }) {
  const api = useApi();
  const folder = useFolderQuery();
  const { path, offset } = folder;
  const pool = props.pool.name;
  const files = useStore((s) => s.files);
  const reload = () => api.files.list(pool, path, offset, FILES_PAGE);
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
        folder={folder}
        listing={listing}
        loading={files.loading}
        error={files.error}
        downloadUrl={(file) => api.files.downloadUrl(pool, file)}
      />
    </div>
  );
}
