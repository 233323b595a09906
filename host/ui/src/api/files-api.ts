import type { FileListing, UploadResult } from '@quantix/shared';
import { ApiError, errorFromBody } from './api-error.ts';
import type { HttpClient } from './http-client.ts';
import type { LoadInto } from './load-into.ts';
import { poolPath } from './storage-api.ts';

export interface UploadHandle {
  readonly done: Promise<UploadResult>;
  abort(): void;
}

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

/** Just what `upload` uses of XMLHttpRequest, so a test can hand in a fake. */
export interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: Blob): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  readonly upload: { onprogress: ((e: ProgressEvent) => unknown) | null };
  onload: ((e: ProgressEvent) => unknown) | null;
  onerror: ((e: ProgressEvent) => unknown) | null;
  onabort: ((e: ProgressEvent) => unknown) | null;
  ontimeout: ((e: ProgressEvent) => unknown) | null;
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
      const xhr = deps.makeXhr();
      const query = dir ? `?${new URLSearchParams({ path: dir }).toString()}` : '';
      const done = new Promise<UploadResult>((resolve, reject) => {
        const fail = (err: ApiError) => {
          deps.onError(err);
          reject(err);
        };
        xhr.open('PUT', `${base}${poolPath(pool)}/files/${encodeURIComponent(file.name)}${query}`);
        xhr.setRequestHeader('Content-Type', 'application/octet-stream');
        xhr.setRequestHeader('Accept', 'application/json');
        xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
        xhr.onload = () => {
          let body: unknown;
          try {
            body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
          } catch {
            body = undefined;
          }
          if (xhr.status >= 200 && xhr.status < 300 && body !== undefined) {
            resolve(body as UploadResult);
            return;
          }
          const error = errorFromBody(body);
          fail(
            new ApiError(
              error?.code ?? 'BAD_RESPONSE',
              error?.message ?? `Upload failed (HTTP ${xhr.status}).`,
              { status: xhr.status },
            ),
          );
        };
        xhr.onerror = () =>
          fail(new ApiError('NETWORK_ERROR', 'The upload was cut off: the host closed the connection.'));
        xhr.ontimeout = () => fail(new ApiError('TIMEOUT', 'The upload timed out.'));
        // our own Cancel: the caller knows, so no onError
        xhr.onabort = () => reject(new ApiError('ABORTED', 'Upload cancelled.'));
        xhr.send(file);
      });
      return { done, abort: () => xhr.abort() };
    },
  };
}
