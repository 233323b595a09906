import { useEffect, useState } from 'preact/hooks';
import { Link } from '@quantix/shared/ui/components/link.tsx';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import { useApi, useStore } from '../store/use-store.ts';
import { TaskLogDialog } from './task-log-dialog.tsx';
import { TaskStatusBadge } from './task-status.tsx';
import './tasks.css';

const RECENT = 5;

/**
 * The bar at the bottom of every page (like Proxmox VE's task log): how many tasks run, and when
 * opened the newest few; each opens its log.
 */
export function RecentTasks() {
  const api = useApi();
  const list = useStore((s) => s.taskList.data);
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => api.taskList.watchList(), [api]);
  const running = list?.filter((t) => t.status === 'running').length ?? 0;
  const recent = list?.slice(0, RECENT) ?? [];
  return (
    <aside
      class={`task-bar ${open ? 'task-bar-open' : ''}`}
      aria-label="Recent tasks"
      data-testid="recent-tasks"
    >
      <div class="task-bar-head">
        <button
          type="button"
          class="task-bar-toggle"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          data-testid="recent-tasks-toggle"
        >
          {open ? '▾' : '▴'} Tasks
        </button>
        <span class="muted" data-testid="recent-tasks-running">
          {running > 0 ? `${running} running` : 'none running'}
        </span>
        {!open && recent[0] && (
          <button
            type="button"
            class="task-bar-latest"
            onClick={() => setShown(recent[0]?.id ?? null)}
            data-testid="recent-task-latest"
          >
            {recent[0].title} <TaskStatusBadge task={recent[0]} />
          </button>
        )}
        <span class="spacer" />
        <Link href="/tasks" testId="recent-tasks-all">
          All tasks
        </Link>
      </div>
      {open && (
        <table class="table task-bar-list">
          <tbody>
            {recent.length === 0 && (
              <tr>
                <td class="muted">No tasks yet.</td>
              </tr>
            )}
            {recent.map((t) => (
              <tr
                key={t.id}
                class="task-row"
                onClick={() => setShown(t.id)}
                data-testid="recent-task"
                data-task-id={t.id}
              >
                <td class="task-time">{formatDateTime(t.startedAt)}</td>
                <td>
                  <button type="button" class="link-button">
                    {t.title}
                  </button>
                </td>
                <td class="muted">{t.user}</td>
                <td>
                  <TaskStatusBadge task={t} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && <TaskLogDialog id={shown} onClose={() => setShown(null)} />}
    </aside>
  );
}
