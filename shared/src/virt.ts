// Schemas for virtual machines, storage pools and volumes, networks and snapshots (issue 3).
// Only re-exports: the pieces import each other through virt-common.ts, never through this file.
export * from './virt-common.ts';
export * from './virt-network.ts';
export * from './virt-storage.ts';
export * from './virt-vm.ts';
export * from './virt-vm-images.ts';
