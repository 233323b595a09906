import type { VmState } from '@quantix/shared';

/**
 * After "Shut down" the guest decides: one that ignores the ACPI power button stays on. The UI
 * watches the pushed state (`vm:changed`) and, past this long, offers Force off.
 */
export const SHUTDOWN_TIMEOUT_MS = 60_000;

/** idle: nothing asked, or the guest is off; waiting: asked, still on; overdue: on past the timeout */
export type ShutdownPhase = 'idle' | 'waiting' | 'overdue';

// states in which the guest still holds its memory: a shutdown has not finished
const STILL_ON: readonly VmState[] = ['running', 'blocked', 'paused', 'shutdown', 'pmsuspended'];

export function shutdownPhase(
  requestedAt: number | null,
  state: VmState,
  now: number,
  timeoutMs = SHUTDOWN_TIMEOUT_MS,
): ShutdownPhase {
  if (requestedAt === null || !STILL_ON.includes(state)) return 'idle';
  return now - requestedAt >= timeoutMs ? 'overdue' : 'waiting';
}

/** How long until a waiting shutdown becomes overdue (0 once it is). */
export function msUntilOverdue(requestedAt: number, now: number, timeoutMs = SHUTDOWN_TIMEOUT_MS): number {
  return Math.max(0, requestedAt + timeoutMs - now);
}

/** The line shown under the VM's actions while a shutdown is pending. */
export function shutdownNotice(
  name: string,
  phase: ShutdownPhase,
  timeoutMs = SHUTDOWN_TIMEOUT_MS,
): string | null {
  switch (phase) {
    case 'idle':
      return null;
    case 'waiting':
      return `Shutdown of ${name} requested; waiting for the guest to power off…`;
    case 'overdue':
      return (
        `${name} is still on ${Math.round(timeoutMs / 1000)} s after the shutdown request. ` +
        'The guest may ignore the ACPI power button (no acpid, or an OS that asks a logged-in user first). ' +
        'Wait longer, or force it off.'
      );
  }
}
