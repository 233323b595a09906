import type { SharedPool } from '@quantix/shared';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { UploadBox } from '@quantix/shared/ui/components/upload-box.tsx';
import { FILES_PAGE, useFolderQuery } from '@quantix/shared/ui/hooks/use-folder-query.ts';
import { useRoute } from '@quantix/shared/ui/hooks/use-route.ts';
import { FileListingView } from '@quantix/shared/ui/storage/file-listing-view.tsx';
import { useEffect } from 'preact/hooks';
import { fileHosts, poolName } from '../../pools/pool-list.ts';
import { useApi, useStore } from '../../store/use-store.ts';

/**
 * The pool's files as one host sees them (every assigned host sees the same storage): the admin
 * picks a connected host where the pool is active; an ISO goes up through the hub to that host.
 */
export function PoolFilesTab(props: { pool: SharedPool }) {
  const api = useApi();
  const route = useRoute();
  const name = poolName(props.pool);
  const hosts = useStore((s) => s.hosts.data);
  const files = useStore((s) => s.files);
  const candidates = fileHosts(props.pool, hosts ?? []);
  const wanted = route.query.get('host');
  const hostId = candidates.find((h) => h.hostId === wanted)?.hostId ?? candidates[0]?.hostId ?? '';
  const folder = useFolderQuery();
  const { path, offset } = folder;
  const reload = () =>
    hostId ? api.pools.listFiles(name, hostId, path, offset, FILES_PAGE) : Promise.resolve();
  useEffect(() => {
    void reload();
  }, [api, name, hostId, path, offset]);

  const listing =
    files.data && files.data.pool === name && files.data.hostId === hostId ? files.data.listing : null;

  if (candidates.length === 0) {
    return (
      <Card title="Files" testId="pool-files">
        <p class="muted" data-testid="pool-files-no-host">
          No connected host has this pool active. Assign it to a host (tab Hosts) and wait until it is active.
        </p>
      </Card>
    );
  }
  return (
    <Card title="Files" testId="pool-files">
      <div class="filters">
        <div class="field-inline">
          <label for="files-host">Through host</label>
          <select
            id="files-host"
            value={hostId}
            onChange={(e) => route.setQuery({ host: e.currentTarget.value, path: null, offset: null })}
            data-testid="files-host"
          >
            {candidates.map((h) => (
              <option key={h.hostId} value={h.hostId}>
                {h.hostname}
              </option>
            ))}
          </select>
        </div>
      </div>
      <UploadBox
        upload={(file, onProgress) => api.pools.upload(name, hostId, file, onProgress)}
        onUploaded={() => void reload()}
      />
      <FileListingView
        pool={name}
        folder={folder}
        listing={listing}
        loading={files.loading}
        error={files.error}
      />
    </Card>
  );
}
