import type { Confirmation } from '@quantix/shared/ui/components/confirm-dialog.tsx';
import { countOf } from '@quantix/shared/ui/format/plural.ts';

// What the pools table asks before stopping or deleting a pool. The host refuses both for a pool
// that holds disks of VMs (POOL_IN_USE, naming them), so the texts say so rather than warn of it.

export function poolStopConfirmation(name: string): Confirmation {
  return {
    title: `Stop pool ${name}?`,
    body:
      'Its volumes and files cannot be listed, created or attached until it is started again; ' +
      'nothing in it is deleted. A pool that holds disks of VMs cannot be stopped.',
    confirmText: 'Stop pool',
  };
}

export function poolDeleteConfirmation(name: string, volumes: number): Confirmation {
  const kept =
    volumes === 0
      ? 'Its directory or volume group is left as it is.'
      : `Its ${countOf(volumes, 'volume')} and its directory or volume group are left as they are.`;
  return {
    title: `Delete pool ${name}?`,
    body: `The pool is removed from libvirt. ${kept} A pool that holds disks of VMs cannot be deleted.`,
    confirmText: 'Delete pool',
  };
}
