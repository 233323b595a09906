import { AppError, TaskId, TaskQuery } from '@quantix/shared';
import { Router } from 'express';
import { parseOr400 } from '@quantix/shared/server';
import type { TaskStore } from './task-store.ts';

/** `GET /api/v1/tasks` (newest first, by status and target) and `GET /api/v1/tasks/:id` (with its log). */
export function taskRoutes(deps: { tasks: Pick<TaskStore, 'list' | 'get'> }): Router {
  const r = Router();
  r.get('/', (req, res) => {
    res.json({ tasks: deps.tasks.list(parseOr400(TaskQuery, req.query)) });
  });
  r.get('/:id', (req, res) => {
    const id = parseOr400(TaskId, req.params.id);
    const task = deps.tasks.get(id);
    if (!task) throw new AppError('NOT_FOUND', `no task ${id}`);
    res.json(task);
  });
  return r;
}
