import { useEffect } from 'preact/hooks';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import { useModalDialog } from '@quantix/shared/ui/components/modal-dialog.tsx';
import { formatDateTime } from '@quantix/shared/ui/format/format-time.ts';
import { useApi, useStore } from '../store/use-store.ts';
import { TaskStatusBadge, targetLabel, taskDuration } from './task-status.tsx';

/** One task: who, what, when, how it ended, and its log; kept current while it runs. */
export function TaskLogDialog(props: { id: string; onClose: () => void }) {
  const api = useApi();
  const state = useStore((s) => s.taskDetail);
  useEffect(() => api.taskList.watchTask(props.id), [api, props.id]);
  const modal = useModalDialog({ busy: false, onCancel: props.onClose });
  const task = state.data?.id === props.id ? state.data : null;
  const vm = task?.target?.startsWith('vm:') ? task.target.slice(3) : null;
  return (
    <dialog {...modal} class="dialog dialog-wide" aria-labelledby="task-title" data-testid="task-dialog">
      <h2 id="task-title">{task?.title ?? 'Task'}</h2>
      <div class="dialog-body">
        <ErrorMessage error={state.error} testId="task-dialog-error" />
        {!task ? (
          <p class="muted">{state.loading ? 'Loading…' : ''}</p>
        ) : (
          <>
            <dl class="kv kv-cols">
              <dt>Status</dt>
              <dd>
                <TaskStatusBadge task={task} />
              </dd>
              <dt>By</dt>
              <dd>{task.user}</dd>
              <dt>Started</dt>
              <dd>{formatDateTime(task.startedAt)}</dd>
              <dt>Duration</dt>
              <dd>{taskDuration(task, Date.now())}</dd>
              <dt>Target</dt>
              <dd>
                {vm ? (
                  <a
                    href={`/vms/${vm}`}
                    onClick={(e) => {
                      e.preventDefault();
                      props.onClose();
                      api.nav.navigate(`/vms/${vm}`);
                    }}
                  >
                    {targetLabel(task.target)}
                  </a>
                ) : (
                  targetLabel(task.target)
                )}
              </dd>
            </dl>
            {task.error && (
              <div class="alert alert-error" data-testid="task-error">
                {task.error.message} <span class="alert-code">{task.error.code}</span>
              </div>
            )}
            <table class="table task-log" data-testid="task-log">
              <tbody>
                {task.log.length === 0 ? (
                  <tr>
                    <td class="muted">No messages.</td>
                  </tr>
                ) : (
                  task.log.map((l, i) => (
                    <tr key={i} data-testid="task-log-line">
                      <td class="task-log-time">{formatDateTime(l.t)}</td>
                      <td>{l.message}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </>
        )}
      </div>
      <div class="dialog-actions">
        <button
          type="button"
          class="btn btn-secondary"
          onClick={props.onClose}
          data-testid="task-dialog-close"
        >
          Close
        </button>
      </div>
    </dialog>
  );
}
