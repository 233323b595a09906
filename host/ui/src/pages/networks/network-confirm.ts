import type { Confirmation } from '@quantix/shared/ui/components/confirm-dialog.tsx';

// What the networks table asks before stopping or deleting a libvirt network. The host refuses
// both while any VM has a NIC on the network (NETWORK_IN_USE, naming them): the texts say so.

export function networkStopConfirmation(name: string): Confirmation {
  return {
    title: `Stop network ${name}?`,
    body:
      'Its bridge, DHCP, DNS and NAT go down until it is started again, and no VM can join it meanwhile. ' +
      'A network that VMs are connected to cannot be stopped.',
    confirmText: 'Stop network',
  };
}

export function networkDeleteConfirmation(name: string): Confirmation {
  return {
    title: `Delete network ${name}?`,
    body:
      'The network is stopped and its definition removed; this cannot be undone. ' +
      'A network that VMs are connected to cannot be deleted.',
    confirmText: 'Delete network',
  };
}
