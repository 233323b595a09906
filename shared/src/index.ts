export * from './auth.ts';
export * from './common.ts';
export * from './discovery.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './host.ts';
export * from './join.ts';
export * from './registration.ts';
export * from './socket.ts';
export * from './telemetry.ts';
export * from './build-info.ts';
export * from './control.ts';
export * from './state.ts';
export * from './virt.ts';
export * from './virt-vm-hardware.ts';
export * from './virt-vm-guest.ts';
export {
  DISK_BUSES,
  FIRMWARES,
  GUEST_OS_PRESETS,
  isWindows,
  NIC_MODELS,
  OS_PRESETS,
  type OsPresetDefaults,
} from './vm-os-presets.ts';
export * from './files.ts';
export * from './logs.ts';
export * from './hypervisor.ts';
export * from './hardware.ts';
export * from './hub.ts';
export * from './hub-hosts.ts';
export * from './hub-pools.ts';
export * from './hub-enrollment.ts';
export * from './link.ts';
export * from './tasks.ts';
export * from './telemetry-history.ts';
export * from './serial-console.ts';
