import {
  AppError,
  PoolFilesQuery,
  PoolHostParams,
  PoolNameParams,
  PoolUploadParams,
  PoolUploadQuery,
  SharedPoolDefinition,
  type SharedPoolList,
} from '@quantix/shared';
import { declaredLength, detachBody, parseOr400 } from '@quantix/shared/server';
import { type Request, Router } from 'express';
import type { PoolsService } from './pools.service.ts';
import { requestUser } from './request-user.ts';

/** The one write under /api/v1/pools that is not JSON: for createServerApi's `rawBody`. */
export function isRawPoolUpload(req: { method: string; path: string }): boolean {
  return req.method === 'PUT' && /^\/pools\/[^/]+\/files\/[^/]+$/.test(req.path);
}

/**
 * Mounted at `/api/v1/pools` (session):
 *   GET    /                            → SharedPoolList
 *   POST   /                            SharedPoolDefinition → 201 SharedPool
 *   GET    /:name                       → SharedPool
 *   PUT    /:name                       SharedPoolDefinition → SharedPool (only while unassigned)
 *   DELETE /:name                       → 204 (only while unassigned)
 *   PUT    /:name/hosts/:hostId         → SharedPool (the assignment as it came out)
 *   DELETE /:name/hosts/:hostId         → SharedPool (without that host)
 *   GET    /:name/files?hostId=&path=&offset=&limit= → FileListing
 *   PUT    /:name/files/:fileName?hostId=  raw application/octet-stream → 201 UploadResult
 */
export function createPoolsRoutes(deps: { pools: PoolsService }): Router {
  const { pools } = deps;
  const r = Router();

  r.get('/', async (_req, res) => {
    const body: SharedPoolList = { pools: await pools.list() };
    res.json(body);
  });
  r.post('/', async (req, res) => {
    const definition = parseOr400(SharedPoolDefinition, req.body);
    res.status(201).json(await pools.create(definition, requestUser(req)));
  });
  r.get('/:name', async (req, res) => {
    const { name } = parseOr400(PoolNameParams, req.params);
    res.json(await pools.get(name));
  });
  r.put('/:name', async (req, res) => {
    const { name } = parseOr400(PoolNameParams, req.params);
    const definition = parseOr400(SharedPoolDefinition, req.body);
    res.json(await pools.update(name, definition, requestUser(req)));
  });
  r.delete('/:name', async (req, res) => {
    const { name } = parseOr400(PoolNameParams, req.params);
    await pools.remove(name, requestUser(req));
    res.status(204).end();
  });

  r.put('/:name/hosts/:hostId', async (req, res) => {
    const { name, hostId } = parseOr400(PoolHostParams, req.params);
    res.json(await pools.assign(name, hostId, requestUser(req)));
  });
  r.delete('/:name/hosts/:hostId', async (req, res) => {
    const { name, hostId } = parseOr400(PoolHostParams, req.params);
    res.json(await pools.unassign(name, hostId, requestUser(req)));
  });

  r.get('/:name/files', async (req, res) => {
    const { name } = parseOr400(PoolNameParams, req.params);
    const query = parseOr400(PoolFilesQuery, req.query);
    res.json(await pools.files(name, query));
  });
  r.put('/:name/files/:fileName', async (req, res) => {
    try {
      const { name, fileName } = parseOr400(PoolUploadParams, req.params);
      const { hostId } = parseOr400(PoolUploadQuery, req.query);
      if (!req.is('application/octet-stream')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the file as application/octet-stream');
      }
      const size = requiredLength(req);
      const result = await pools.upload(
        name,
        { hostId, fileName, size, body: detachBody(req) },
        requestUser(req),
      );
      res.status(201).json(result);
    } catch (err) {
      // the rest of the body is not read: close the connection after the error, do not drain it
      if (!req.complete) res.setHeader('Connection', 'close');
      throw err;
    }
  });

  return r;
}

/** The upload is announced to the host with its size: a body without Content-Length is refused. */
/** an upload through the hub must say its size: the host reserves it before the first byte */
function requiredLength(req: Request): number {
  const n = declaredLength(req);
  if (n === undefined) throw new AppError('VALIDATION_FAILED', 'send the file with a Content-Length');
  return n;
}
