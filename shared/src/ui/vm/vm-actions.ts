import type { VmAction, VmState } from '@quantix/shared';
import type { Confirmation } from '../components/confirm-dialog.tsx';
import { countOf, itIs } from '../format/plural.ts';

/** The menu order: the usual first, the forceful last. */
export const ACTION_ORDER: readonly VmAction[] = [
  'start',
  'shutdown',
  'reboot',
  'suspend',
  'resume',
  'reset',
  'destroy',
];

export const ACTION_LABEL: Record<VmAction, string> = {
  start: 'Start',
  shutdown: 'Shut down',
  reboot: 'Reboot',
  suspend: 'Suspend',
  resume: 'Resume',
  reset: 'Force reset',
  destroy: 'Force off',
};

export const ACTION_BUSY: Record<VmAction, string> = {
  start: 'Starting…',
  shutdown: 'Shutting down…',
  reboot: 'Rebooting…',
  suspend: 'Suspending…',
  resume: 'Resuming…',
  reset: 'Resetting…',
  destroy: 'Forcing off…',
};

// The same table the host checks (vm.service.ts): it answers VM_STATE_INVALID for the rest.
const ALLOWED: Record<VmAction, readonly VmState[]> = {
  start: ['shutoff', 'crashed'],
  shutdown: ['running', 'blocked'],
  reboot: ['running', 'blocked'],
  suspend: ['running', 'blocked'],
  resume: ['paused'],
  reset: ['running', 'blocked', 'paused'],
  destroy: ['running', 'blocked', 'paused', 'shutdown', 'crashed', 'pmsuspended'],
};

export function isActionAllowed(action: VmAction, state: VmState): boolean {
  return ALLOWED[action].includes(state);
}

export function allowedActions(state: VmState): VmAction[] {
  return ACTION_ORDER.filter((a) => isActionAllowed(a, state));
}

/** The forceful actions ask first, naming the VM and what happens to the guest; the rest do not. */
export function actionConfirmation(action: VmAction, name: string): Confirmation | null {
  switch (action) {
    case 'destroy':
      return {
        title: `Force off ${name}?`,
        body: 'The guest is stopped at once, like pulling the power cord; unsaved data in the guest is lost.',
        confirmText: 'Force off',
      };
    case 'reset':
      return {
        title: `Force reset ${name}?`,
        body: 'The guest restarts at once, like pressing the reset button; unsaved data in the guest is lost.',
        confirmText: 'Force reset',
      };
    default:
      return null;
  }
}

/** The delete dialog's text about the VM's disks, agreeing with their number. */
export function deleteVmNote(disks: number): string {
  const base = "The VM's definition is removed from this host. This cannot be undone.";
  if (disks === 0) return base;
  return `${base} It has ${countOf(disks, 'disk')}; ${itIs(disks)} kept unless you tick the box.`;
}

/** A button or menu label: "…" where a confirmation follows. */
export function actionButtonLabel(action: VmAction): string {
  return actionConfirmation(action, '') ? `${ACTION_LABEL[action]}…` : ACTION_LABEL[action];
}

/** A VM is deleted only when it is not running (the host refuses otherwise). */
export function canDelete(state: VmState): boolean {
  return state === 'shutoff' || state === 'crashed';
}

/** The console works while QEMU runs, paused included. */
export function hasConsole(state: VmState): boolean {
  return state === 'running' || state === 'paused' || state === 'blocked';
}

export const STATE_LABEL: Record<VmState, string> = {
  running: 'Running',
  paused: 'Paused',
  shutoff: 'Off',
  crashed: 'Crashed',
  pmsuspended: 'Suspended by guest',
  shutdown: 'Shutting down',
  blocked: 'Running (blocked)',
  unknown: 'Unknown',
};

export const STATE_BADGE: Record<VmState, string> = {
  running: 'badge-ok',
  blocked: 'badge-ok',
  paused: 'badge-warning',
  pmsuspended: 'badge-warning',
  shutdown: 'badge-info',
  crashed: 'badge-error',
  shutoff: '',
  unknown: '',
};
