import type { FileListing } from '@quantix/shared';
import type { ApiError } from '@quantix/shared/ui/api/api-error.ts';
import { type UploadHandle, uploadFile, type XhrLike } from '@quantix/shared/ui/api/upload.ts';
import type { HttpClient } from '@quantix/shared/ui/api/http-client.ts';
import type { LoadInto } from './load-into.ts';
import { poolPath } from './storage-api.ts';

export type { UploadHandle, XhrLike };

export interface FilesApi {
  list(pool: string, path: string, offset: number, limit: number): Promise<void>;
  /** a plain link: the browser streams the download itself, with the session cookie */
  downloadUrl(pool: string, path: string): string;
  /**
   * Streams a file into the pool's directory `dir` with PUT, raw body. XMLHttpRequest, not fetch:
   * only XHR reports upload progress.
   */
  upload(
    pool: string,
    dir: string,
    file: File,
    onProgress: (loaded: number, total: number) => void,
  ): UploadHandle;
}

export function createFilesApi(deps: {
  http: HttpClient;
  loadInto: LoadInto;
  base: string;
  makeXhr: () => XhrLike;
  onError: (err: ApiError) => void;
}): FilesApi {
  const { http, loadInto, base } = deps;
  return {
    list: (pool, path, offset, limit) =>
      loadInto('files', () => {
        const q = new URLSearchParams({ path, offset: String(offset), limit: String(limit) });
        return http.get<FileListing>(`${poolPath(pool)}/files?${q.toString()}`);
      }),
    downloadUrl: (pool, path) =>
      `${base}${poolPath(pool)}/files/download?${new URLSearchParams({ path }).toString()}`,
    upload(pool, dir, file, onProgress) {
      const query = dir ? `?${new URLSearchParams({ path: dir }).toString()}` : '';
      return uploadFile({
        xhr: deps.makeXhr(),
        url: `${base}${poolPath(pool)}/files/${encodeURIComponent(file.name)}${query}`,
        file,
        onProgress,
        onError: deps.onError,
        peer: 'host',
      });
    },
  };
}
