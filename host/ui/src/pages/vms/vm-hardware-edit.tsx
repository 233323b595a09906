import { awaitingFirst } from '@quantix/shared/ui/store/shell-state.ts';
import type { VmHardwareResult } from '@quantix/shared';
import { toErrorInfo } from '@quantix/shared/ui/api/api-error.ts';
import { useEffect, useState } from 'preact/hooks';
import type { ErrorInfo } from '../../store/app-state.ts';
import { useApi, useStore } from '../../store/use-store.ts';

/** What every Hardware dialog shares: one edit at a time, its error, and its notes handed up. */
export function useEdit(onDone: (notes: string[]) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  async function run(send: () => Promise<VmHardwareResult>) {
    setBusy(true);
    setError(null);
    try {
      const r = await send();
      onDone(r.notes);
    } catch (err) {
      setError(toErrorInfo(err));
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}

/** The running pools' volumes, read when a dialog that picks one opens. */
export function usePoolVolumes() {
  const api = useApi();
  const pools = useStore((s) => s.pools);
  const volumes = useStore((s) => s.volumes);
  useEffect(() => {
    void api.storage.loadPools();
  }, [api]);
  const running = (pools.data ?? []).filter((p) => p.state === 'running');
  const names = running.map((p) => p.name).join('/');
  useEffect(() => {
    for (const name of names ? names.split('/') : []) void api.storage.loadVolumes(name);
  }, [api, names]);
  return {
    pools: running,
    volumes,
    error: pools.error,
    loading: awaitingFirst(pools),
  };
}

/** A whole number from a field, or null when it is not one. */
export function intOf(value: string): number | null {
  const t = value.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

/** Where a change lands, in words for a dialog's hint. */
export function whenNote(running: boolean, live: boolean): string {
  if (!running) return 'The VM is off: the change is used at its next start.';
  return live
    ? 'Applied to the running VM at once (and kept for its next start).'
    : 'The VM runs: the change is pending and applied at its next start (shown in orange until then).';
}
