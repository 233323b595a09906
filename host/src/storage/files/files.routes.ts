import { pipeline } from 'node:stream/promises';
import {
  AppError,
  FileDownloadQuery,
  FileListQuery,
  FilePoolParams,
  FileUploadParams,
} from '@quantix/shared';
import { Router } from 'express';
import { actor, declaredLength, detachBody, parseOr400, requireUser } from '@quantix/shared/server';
import { type TaskSink, taskProgress } from '../../tasks/task-progress.ts';
import type { FileBrowser } from './file-browser.service.ts';

export interface FileRoutesDeps {
  /** the pool's target directory (absolute); throws an AppError when there is no such pool */
  poolPath: (poolName: string) => Promise<string>;
  browser: FileBrowser;
  maxUploadBytes: () => number;
  uploadIdleTimeoutMs?: number;
  /** the audit trail: every finished or failed upload, with who sent it */
  audit?: (level: 'info' | 'warning', message: string, by: string) => void;
  /** an upload is a task (who, what, when, outcome) in the host's task list */
  tasks?: TaskSink;
}

const isSeedName = (path: string) => /-cidata\.iso$/i.test(path);

/** The one write this router takes that is not JSON: for the server's writeGuard exemption. */
export const RAW_UPLOAD_PATH = /^\/storage\/pools\/[^/]+\/files\/[^/]+$/;
export function isRawUploadRequest(req: { method: string; path: string }): boolean {
  return req.method === 'PUT' && RAW_UPLOAD_PATH.test(req.path);
}

/**
 * Mounted at `/api/v1/storage`:
 *   GET /pools/:pool/files?path=&offset=&limit=  → FileListing
 *   GET /pools/:pool/files/download?path=        → the file, as an attachment
 *   PUT /pools/:pool/files/:name                 → UploadResult (201); raw application/octet-stream body
 */
export function fileRoutes(deps: FileRoutesDeps): Router {
  const r = Router();

  r.get('/pools/:pool/files', async (req, res) => {
    const { pool } = parseOr400(FilePoolParams, req.params);
    const query = parseOr400(FileListQuery, req.query);
    res.json(await deps.browser.list(pool, await deps.poolPath(pool), query));
  });

  r.get('/pools/:pool/files/download', async (req, res) => {
    const { pool } = parseOr400(FilePoolParams, req.params);
    const { path } = parseOr400(FileDownloadQuery, req.query);
    const file = await deps.browser.openDownload(await deps.poolPath(pool), path);
    // a cloud-init seed holds a password hash and the user-data: every `*-cidata.iso` (by the name
    // asked for and the real file's, after symlinks), whether a VM uses it now or not
    if (isSeedName(path) || isSeedName(file.name)) {
      file.stream.destroy();
      throw new AppError(
        'FORBIDDEN',
        'cloud-init seeds (*-cidata.iso) hold password hashes and user-data: they are not downloaded',
      );
    }
    res.status(200);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('Content-Disposition', contentDisposition(file.name));
    if (req.method === 'HEAD') {
      file.stream.destroy();
      res.end();
      return;
    }
    try {
      await pipeline(file.stream, res);
    } catch {
      // The client went away, or a read failed after the headers: all that is left is to cut it.
      file.stream.destroy();
      res.destroy();
    }
  });

  // a write: an administrator's session, never a hub credential
  r.put('/pools/:pool/files/:name', requireUser, async (req, res) => {
    // set once the names are valid: a failure after that is an upload that failed, for the audit trail
    let target: { pool: string; name: string } | null = null;
    try {
      target = parseOr400(FileUploadParams, req.params);
      const { pool, name } = target;
      if (deps.tasks) taskProgress(deps.tasks, req, { title: `Upload "${name}"`, target: `pool:${pool}` });
      if (!req.is('application/octet-stream')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the file as application/octet-stream');
      }
      const expectedBytes = declaredLength(req);
      const result = await deps.browser.upload(await deps.poolPath(pool), {
        fileName: name,
        stream: detachBody(req),
        maxBytes: deps.maxUploadBytes(),
        expectedBytes,
        idleTimeoutMs: deps.uploadIdleTimeoutMs,
      });
      deps.audit?.(
        'info',
        `"${result.name}" (${(result.size / 2 ** 20).toFixed(1)} MiB) uploaded to pool "${pool}"`,
        actor(req),
      );
      res.status(201).json(result);
    } catch (err) {
      if (target) {
        deps.audit?.(
          'warning',
          `Upload of "${target.name}" to pool "${target.pool}" failed: ${(err as Error).message}`,
          actor(req),
        );
      }
      // The rest of the body is not read: close the connection after the error instead of
      // draining gigabytes for keep-alive.
      if (!req.complete) res.setHeader('Connection', 'close');
      throw err;
    }
  });

  return r;
}

/** `attachment` with an ASCII fallback and the exact name as RFC 5987 `filename*`. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
