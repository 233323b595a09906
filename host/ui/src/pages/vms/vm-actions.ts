import type { VmAction, VmState } from '@quantix/shared';

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
