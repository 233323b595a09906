import type { FileListing, SharedPool, SharedPoolDefinition, SharedPoolList } from '@quantix/shared';
import type { ApiError } from '@quantix/shared/ui/api/api-error.ts';
import { type UploadHandle, uploadFile, type XhrLike } from '@quantix/shared/ui/api/upload.ts';
import { applyPoolChange, sortPools } from '../pools/pool-list.ts';
import type { StoreApiDeps } from './api-deps.ts';

export interface PoolsApi {
  /** `GET /pools`; `pool:changed` keeps it live after that */
  load(): Promise<void>;
  create(definition: SharedPoolDefinition): Promise<SharedPool>;
  remove(name: string): Promise<void>;
  /** `PUT /pools/:name/hosts/:hostId` → the pool with the assignment */
  assign(name: string, hostId: string): Promise<void>;
  /** `DELETE /pools/:name/hosts/:hostId` → the pool with the assignment being removed */
  unassign(name: string, hostId: string): Promise<void>;
  listFiles(name: string, hostId: string, path: string, offset: number, limit: number): Promise<void>;
  /** an ISO into the pool's root, through the hub to `hostId` (raw body, with progress) */
  upload(
    name: string,
    hostId: string,
    file: File,
    onProgress: (loaded: number, total: number) => void,
  ): UploadHandle;
}

export const sharedPoolPath = (name: string) => `/pools/${encodeURIComponent(name)}`;

export function createPoolsApi(
  deps: StoreApiDeps & { base: string; makeXhr: () => XhrLike; onError: (err: ApiError) => void },
): PoolsApi {
  const { http, socket, store, loadInto } = deps;
  // `pool:changed` that arrive while the list loads go on top of the snapshot, after it
  let arrivedDuringLoad: Array<{ name: string; pool: SharedPool | null }> | null = null;

  const apply = (change: { name: string; pool: SharedPool | null }) =>
    store.update((s) => {
      const list = s.pools.data;
      if (!list) return s;
      const next = applyPoolChange(list, change);
      return next === list ? s : { ...s, pools: { ...s.pools, data: next } };
    });
  socket.on('pool:changed', (change) => {
    arrivedDuringLoad?.push(change);
    apply(change);
  });

  const hostQuery = (hostId: string) => new URLSearchParams({ hostId }).toString();
  const assignmentPath = (name: string, hostId: string) =>
    `${sharedPoolPath(name)}/hosts/${encodeURIComponent(hostId)}`;
  /** an answer without a body leaves the list to `pool:changed` */
  const showAnswer = (name: string, pool: SharedPool | undefined) => {
    if (pool) apply({ name, pool });
  };

  return {
    async load() {
      const arrived: Array<{ name: string; pool: SharedPool | null }> = [];
      arrivedDuringLoad = arrived;
      await loadInto('pools', async () => sortPools((await http.get<SharedPoolList>('/pools')).pools));
      if (arrivedDuringLoad === arrived) arrivedDuringLoad = null;
      // in order, on top of the snapshot: each is a whole pool (or a deletion)
      for (const change of arrived) apply(change);
    },
    async create(definition) {
      const pool = await http.post<SharedPool>('/pools', definition);
      apply({ name: definition.name, pool });
      return pool;
    },
    async remove(name) {
      await http.del(sharedPoolPath(name));
      apply({ name, pool: null });
    },
    // both answer the pool as it now stands (the assignment pending or removing); pool:changed follows
    async assign(name, hostId) {
      showAnswer(name, await http.put<SharedPool | undefined>(assignmentPath(name, hostId)));
    },
    async unassign(name, hostId) {
      showAnswer(name, await http.del<SharedPool | undefined>(assignmentPath(name, hostId)));
    },
    listFiles: (name, hostId, path, offset, limit) =>
      loadInto('files', async () => {
        const q = new URLSearchParams({ hostId, path, offset: String(offset), limit: String(limit) });
        const listing = await http.get<FileListing>(`${sharedPoolPath(name)}/files?${q.toString()}`);
        return { pool: name, hostId, listing };
      }),
    upload: (name, hostId, file, onProgress) =>
      uploadFile({
        xhr: deps.makeXhr(),
        url: `${deps.base}${sharedPoolPath(name)}/files/${encodeURIComponent(file.name)}?${hostQuery(hostId)}`,
        file,
        onProgress,
        onError: deps.onError,
        peer: 'hub',
      }),
  };
}
