import type { UploadResult } from '@quantix/shared';
import { ApiError, errorFromBody } from './api-error.ts';

export interface UploadHandle {
  readonly done: Promise<UploadResult>;
  abort(): void;
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

/**
 * Streams `file` to `url` with PUT, raw body (`application/octet-stream`). XMLHttpRequest, not
 * fetch: only XHR reports upload progress. Failures go to `onError` too, except our own Cancel.
 */
export function uploadFile(deps: {
  xhr: XhrLike;
  url: string;
  file: File;
  onProgress: (loaded: number, total: number) => void;
  onError: (err: ApiError) => void;
  /** who receives it, for messages: "host" or "hub" */
  peer: string;
}): UploadHandle {
  const { xhr, file } = deps;
  const done = new Promise<UploadResult>((resolve, reject) => {
    const fail = (err: ApiError) => {
      deps.onError(err);
      reject(err);
    };
    xhr.open('PUT', deps.url);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => deps.onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
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
        new ApiError(error?.code ?? 'BAD_RESPONSE', error?.message ?? `Upload failed (HTTP ${xhr.status}).`, {
          status: xhr.status,
        }),
      );
    };
    xhr.onerror = () =>
      fail(new ApiError('NETWORK_ERROR', `The upload was cut off: the ${deps.peer} closed the connection.`));
    xhr.ontimeout = () => fail(new ApiError('TIMEOUT', 'The upload timed out.'));
    // our own Cancel: the caller knows, so no onError
    xhr.onabort = () => reject(new ApiError('ABORTED', 'Upload cancelled.'));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
