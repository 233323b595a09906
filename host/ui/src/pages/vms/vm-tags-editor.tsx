import type { VmSummary } from '@quantix/shared';
import { useState } from 'preact/hooks';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { BusyButton } from '@quantix/shared/ui/components/busy-button.tsx';
import { ErrorMessage } from '@quantix/shared/ui/components/error-message.tsx';
import type { ErrorInfo } from '@quantix/shared/ui/store/shell-state.ts';
import { parseTagInput, tagInputProblem } from '@quantix/shared/ui/vm/vm-list-view.ts';
import { useApi } from '../../store/use-store.ts';
import './vm-list.css';

/** The VM's tags on its page, and their editor (the same schema as the host checks). */
export function VmTagsEditor(props: { vm: Pick<VmSummary, 'uuid' | 'tags'> }) {
  const api = useApi();
  const { vm } = props;
  const [text, setText] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function save(value: string) {
    const tags = parseTagInput(value);
    const problem = tagInputProblem(tags);
    if (problem) {
      setError({ code: 'VALIDATION_FAILED', message: problem });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.vms.setTags(vm.uuid, tags);
      setText(null);
    } catch (err) {
      setError(toErrorInfo(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="vm-tags" data-testid="vm-tags-editor">
      <span class="muted">Tags</span>
      {text === null ? (
        <>
          {vm.tags.length === 0 ? (
            <span class="muted">none</span>
          ) : (
            vm.tags.map((t) => (
              <span key={t} class="tag" data-testid="vm-tag">
                {t}
              </span>
            ))
          )}
          <button
            type="button"
            class="btn btn-small btn-secondary"
            onClick={() => setText(vm.tags.join(', '))}
            data-testid="vm-tags-edit"
          >
            Edit tags
          </button>
        </>
      ) : (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save(text);
          }}
        >
          <input
            value={text}
            aria-label="Tags, separated by commas or spaces"
            placeholder="web, prod"
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
            data-testid="vm-tags-input"
          />
          <BusyButton busy={busy} busyText="Saving…" type="submit" variant="primary" testId="vm-tags-save">
            Save
          </BusyButton>
          <button
            type="button"
            class="btn btn-secondary"
            disabled={busy}
            onClick={() => {
              setText(null);
              setError(null);
            }}
          >
            Cancel
          </button>
        </form>
      )}
      <ErrorMessage error={error} testId="vm-tags-error" />
    </div>
  );
}
