import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, toErrorInfo } from '../api/api-error.ts';
import type { UploadHandle } from '../api/upload.ts';
import { ErrorMessage } from './error-message.tsx';
import { formatBytes } from '../format/format-bytes.ts';
import { checkUploadFile, describeUpload, uploadPercent } from '../format/upload-progress.ts';
import type { ErrorInfo } from '../store/shell-state.ts';

interface Running {
  readonly name: string;
  readonly loaded: number;
  readonly total: number;
  readonly startedAt: number;
}

/** ISO or disk image upload into the directory shown: starts when a file is chosen, with progress and Cancel. */
export function UploadBox(props: {
  /** starts the upload (into the pool and directory shown, on the host chosen) */
  upload: (file: File, onProgress: (loaded: number, total: number) => void) => UploadHandle;
  onUploaded: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const handle = useRef<UploadHandle | null>(null);
  const [running, setRunning] = useState<Running | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // leaving the page would cut the upload: ask first, and stop it if the page goes anyway
  useEffect(() => {
    if (!running) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [running !== null]);
  useEffect(() => () => handle.current?.abort(), []);

  async function start(file: File) {
    setError(null);
    setNotice(null);
    const problem = checkUploadFile(file);
    if (problem) {
      setError({ code: 'VALIDATION_FAILED', message: problem });
      if (input.current) input.current.value = '';
      return;
    }
    setRunning({ name: file.name, loaded: 0, total: file.size, startedAt: Date.now() });
    const h = props.upload(file, (loaded, total) => setRunning((r) => (r ? { ...r, loaded, total } : r)));
    handle.current = h;
    try {
      const result = await h.done;
      // the host may rename (sanitise) the file, and decides where it lands: say where it went,
      // and what qemu-img found in it (the format is detected, not taken from the name)
      const found =
        result.format && !result.name.toLowerCase().endsWith('.iso')
          ? ` Detected format: ${result.format}${result.virtualSize ? `, ${formatBytes(result.virtualSize)} disk` : ''}.`
          : '';
      setNotice(
        `Uploaded ${result.name} (${formatBytes(result.size)}) to /${result.path.replace(/^\/+/, '')}.${found}`,
      );
      props.onUploaded();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'ABORTED') setNotice('Upload cancelled.');
      else setError(toErrorInfo(err));
    } finally {
      handle.current = null;
      setRunning(null);
      if (input.current) input.current.value = '';
    }
  }

  const pct = running ? uploadPercent(running.loaded, running.total) : 0;
  return (
    <div class="upload-box">
      <label class="upload-label" for="file-upload">
        Upload an ISO or disk image
      </label>
      <input
        id="file-upload"
        ref={input}
        type="file"
        accept=".iso,.qcow2,.raw,.img"
        disabled={running !== null}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          if (file) void start(file);
        }}
        data-testid="file-upload-input"
      />
      {running && (
        <div class="upload-progress" data-testid="upload-progress" data-percent={pct} role="status">
          <span class="mono">{running.name}</span>
          <progress max={100} value={pct} aria-label="Upload progress" />
          <span class="upload-text" data-testid="upload-percent">
            {describeUpload(running.loaded, running.total, Date.now() - running.startedAt)}
          </span>
          <button
            type="button"
            class="btn btn-secondary btn-small"
            onClick={() => handle.current?.abort()}
            data-testid="upload-cancel"
          >
            Cancel
          </button>
        </div>
      )}
      {notice && (
        <div class="alert alert-info" role="status" data-testid="upload-notice">
          {notice}
        </div>
      )}
      <ErrorMessage error={error} testId="upload-error" />
    </div>
  );
}
