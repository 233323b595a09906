import type { VmAction, VmState } from '@quantix/shared';
import { useEffect, useState } from 'preact/hooks';
import { toErrorInfo } from '../api/api-error.ts';
import type { ErrorInfo } from '../store/shell-state.ts';
import { actionConfirmation } from './vm-actions.ts';
import { msUntilOverdue, shutdownPhase } from './vm-shutdown.ts';

/**
 * One VM's power actions for a row or a card: one at a time, the forceful ones confirmed first,
 * and a shutdown watched through the pushed state until the guest is off (or is late). `run`
 * sends the action (to the host, or through the hub to the VM's host).
 */
export function useVmPower(
  vm: { readonly uuid: string; readonly name: string; readonly state: VmState },
  run: (action: VmAction) => Promise<unknown>,
) {
  // an action, or another operation of the same card (autostart)
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [confirming, setConfirming] = useState<VmAction | null>(null);
  const [shutdownAt, setShutdownAt] = useState<number | null>(null);
  // re-render when a pending shutdown becomes overdue
  const [tick, setTick] = useState(0);
  const shutdown = shutdownPhase(shutdownAt, vm.state, Date.now());

  useEffect(() => {
    if (shutdownAt !== null && shutdown === 'idle') setShutdownAt(null);
  }, [shutdownAt, shutdown]);
  useEffect(() => {
    if (shutdownAt === null || shutdown !== 'waiting') return;
    const id = setTimeout(() => setTick((n) => n + 1), msUntilOverdue(shutdownAt, Date.now()) + 20);
    return () => clearTimeout(id);
  }, [shutdownAt, shutdown, tick]);

  async function act(key: string, run: () => Promise<unknown>): Promise<boolean> {
    setBusy(key);
    setError(null);
    try {
      await run();
      return true;
    } catch (err) {
      setError(toErrorInfo(err));
      return false;
    } finally {
      setBusy(null);
    }
  }

  async function perform(action: VmAction) {
    const ok = await act(action, () => run(action));
    if (ok && action === 'shutdown') setShutdownAt(Date.now());
    if (ok && action === 'destroy') setShutdownAt(null);
  }

  return {
    busy,
    error,
    setError,
    act,
    /** the action asked for and waiting for the user's yes */
    confirming,
    confirmation: confirming ? actionConfirmation(confirming, vm.name) : null,
    shutdown,
    /** runs the action, or first asks when it cannot be taken back */
    request(action: VmAction) {
      if (actionConfirmation(action, vm.name)) setConfirming(action);
      else void perform(action);
    },
    async confirm() {
      if (confirming) await perform(confirming);
      setConfirming(null);
    },
    cancel: () => setConfirming(null),
    /** "keep waiting": the timeout starts again */
    waitLonger: () => setShutdownAt(Date.now()),
  };
}

export type VmPower = ReturnType<typeof useVmPower>;
