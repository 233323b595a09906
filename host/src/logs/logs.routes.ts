import { pipeline } from 'node:stream';
import { LogDownloadQuery, LogQuery } from '@quantix/shared';
import { Router } from 'express';
import { z } from 'zod';
import { parseOr400 } from '@quantix/shared/server';
import type { LogsService } from './logs.service.ts';
import { VM_NAME } from './qemu-logs.ts';

const VmLogParams = z.object({ name: z.string().regex(VM_NAME, 'not a VM name') });

/** Mounted at `/logs`: `GET /`, `GET /sources`, `GET /download`. */
export function logsRoutes(deps: { logs: LogsService; now?: () => Date }): Router {
  const { logs } = deps;
  const now = deps.now ?? (() => new Date());
  const r = Router();
  r.get('/', async (req, res) => {
    res.json(await logs.query(parseOr400(LogQuery, req.query)));
  });
  r.get('/sources', async (_req, res) => {
    res.json(await logs.sources());
  });
  r.get('/download', async (req, res) => {
    const q = parseOr400(LogDownloadQuery, req.query);
    const body = await logs.download(q);
    const stamp = now().toISOString().slice(0, 19).replaceAll(':', '-');
    const ndjson = q.format === 'ndjson';
    res.setHeader(
      'Content-Type',
      ndjson ? 'application/x-ndjson; charset=utf-8' : 'text/plain; charset=utf-8',
    );
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="quantix-logs-${stamp}.${ndjson ? 'ndjson' : 'log'}"`,
    );
    // a failure halfway cuts the response short: the status line is long gone by then
    pipeline(body, res, () => {});
  });
  return r;
}

/** Mounted at `/vms`: `GET /:name/log` — that VM's QEMU log, a LogPage. */
export function vmLogRoutes(deps: { logs: LogsService }): Router {
  const r = Router();
  r.get('/:name/log', async (req, res) => {
    const { name } = parseOr400(VmLogParams, req.params);
    res.json(await deps.logs.vmLog(name, parseOr400(LogQuery, req.query)));
  });
  return r;
}
