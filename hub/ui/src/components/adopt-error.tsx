import type { ErrorInfo } from '@quantix/shared/ui/store/shell-state.ts';
import { adoptionAdvice, phaseText } from '../hosts/adopt-advice.ts';

/** A failed adoption: the hub's message, where it failed, the address it tried, and what to do. */
export function AdoptError(props: { error: ErrorInfo | null }) {
  const { error } = props;
  if (!error) return null;
  const phase = phaseText(error.phase);
  const advice = adoptionAdvice(error.code);
  return (
    <div class="alert alert-error" role="alert" data-testid="adopt-error" data-code={error.code}>
      <span>
        <strong data-testid="adopt-error-message">{error.message}</strong>
        {phase && (
          <>
            {' '}
            <span data-testid="adopt-error-phase">{phase}</span>
          </>
        )}
        {error.hostUrl && (
          <>
            {' '}
            Address: <span class="mono">{error.hostUrl}</span>
          </>
        )}
        {advice && (
          <span class="hint" data-testid="adopt-advice">
            <br />
            <WithCode text={advice} />
          </span>
        )}
      </span>
      <span class="alert-code">{error.code}</span>
    </div>
  );
}

/** Text with `commands` in backticks, shown as code. */
function WithCode(props: { text: string }) {
  return <>{props.text.split('`').map((part, i) => (i % 2 === 1 ? <code key={part}>{part}</code> : part))}</>;
}
