import { useStore } from '../store/use-store.ts';

/**
 * Progress of a long request while it runs: the host's `task:progress` steps for our
 * `X-Quantix-Task` id. Before the first step arrives the bar is indeterminate.
 */
export function TaskProgress(props: { taskId: string | null; label: string }) {
  const p = useStore((s) => (props.taskId ? s.tasks[props.taskId] : undefined));
  if (!props.taskId) return null;
  return (
    <div class="task-progress" role="status" aria-live="polite" data-testid="task-progress">
      {p ? <progress max={p.total} value={p.step} /> : <progress />}
      <span class="task-message">
        {p ? `${p.message} (step ${p.step} of ${p.total})` : `${props.label}…`}
      </span>
    </div>
  );
}
