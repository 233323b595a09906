import type { ErrorInfo } from '../store/shell-state.ts';

/** Errors are always shown: a red box with the host's message (and the code, for support). */
export function ErrorMessage(props: { error: ErrorInfo | null | undefined; testId?: string }) {
  if (!props.error) return null;
  return (
    <div class="alert alert-error" role="alert" data-testid={props.testId ?? 'error-message'}>
      <span>{props.error.message}</span>
      <span class="alert-code">{props.error.code}</span>
    </div>
  );
}
