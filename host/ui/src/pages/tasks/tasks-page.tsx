import { useEffect, useMemo, useState } from 'preact/hooks';
import { Card } from '@quantix/shared/ui/components/card.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import { TaskLogDialog } from '../../components/task-log-dialog.tsx';
import { TaskStatusBadge, targetLabel, taskDuration } from '../../components/task-status.tsx';
import { filterTasks, type TaskStatusFilter } from '../../store/task-list.ts';
import { useApi, useStore } from '../../store/use-store.ts';
import '../../components/tasks.css';

const STATUSES: ReadonlyArray<{ value: TaskStatusFilter; label: string }> = [
  { value: '', label: 'Any status' },
  { value: 'running', label: 'Running' },
  { value: 'ok', label: 'OK' },
  { value: 'failed', label: 'Failed' },
  { value: 'interrupted', label: 'Interrupted' },
];

/** Every task the host remembers (its newest 500), newest first; each opens its log. */
export function TasksPage() {
  const api = useApi();
  const tasks = useStore((s) => s.taskList);
  useEffect(() => api.taskList.watchList(), [api]);
  const [status, setStatus] = useState<TaskStatusFilter>('');
  const [search, setSearch] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const list = tasks.data ?? [];
  const rows = useMemo(() => filterTasks(list, status, search), [list, status, search]);
  const now = Date.now();
  return (
    <div class="page" data-testid="page-tasks">
      <Card title="Tasks">
        <div class="filters filters-wrap">
          <input
            type="search"
            class="field-grow"
            placeholder="Search title, target or user"
            aria-label="Search tasks"
            value={search}
            onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
            data-testid="task-search"
          />
          <label class="field-inline">
            Status
            <select
              value={status}
              onChange={(e) => setStatus((e.target as HTMLSelectElement).value as TaskStatusFilter)}
              data-testid="task-status-filter"
            >
              {STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <span class="muted">
            {rows.length} of {list.length}
          </span>
        </div>
        <ErrorMessage error={tasks.error} testId="tasks-error" />
        {tasks.data === null ? (
          <p class="muted">{tasks.loading ? 'Loading…' : ''}</p>
        ) : rows.length === 0 ? (
          <p class="muted" data-testid="tasks-empty">
            {list.length === 0
              ? 'No tasks yet: long operations (creating a VM, a pool…) are listed here.'
              : 'No task matches.'}
          </p>
        ) : (
          <table class="table" data-testid="task-list">
            <thead>
              <tr>
                <th>Started</th>
                <th>Task</th>
                <th>Target</th>
                <th>By</th>
                <th>Duration</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr
                  key={t.id}
                  class="task-row"
                  onClick={() => setShown(t.id)}
                  data-testid="task-row"
                  data-task-id={t.id}
                  data-status={t.status}
                >
                  <td class="task-time">{formatDateTime(t.startedAt)}</td>
                  <td>
                    <button type="button" class="link-button" data-testid="task-open">
                      {t.title}
                    </button>
                    {t.status === 'running' && t.progress && <div class="muted">{t.progress.message}</div>}
                    {t.error && <div class="field-error">{t.error.message}</div>}
                  </td>
                  <td>{targetLabel(t.target)}</td>
                  <td>{t.user}</td>
                  <td>{taskDuration(t, now)}</td>
                  <td>
                    <TaskStatusBadge task={t} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {shown && <TaskLogDialog id={shown} onClose={() => setShown(null)} />}
    </div>
  );
}
