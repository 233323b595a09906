import { AppError, type ErrorCode } from '@quantix/shared';
import { DbusCallError } from './dbus-client.ts';

// libvirt-dbus returns libvirt's own message text under org.libvirt.Error; these patterns sort
// them into our closed list of codes. The message itself is passed on: it is what an admin needs.
const UNAVAILABLE = [
  /failed to connect/i,
  /no connection driver/i,
  /cannot recv data/i,
  /end of file while reading/i,
  /client socket is closed/i,
  /connection.*(closed|refused|reset)/i,
  /is not running\b.*daemon/i,
];
// A guest that would not start: libvirt passes on QEMU's own last words, which may say "Failed to
// connect" or "Connection refused" about the VM's own sockets (swtpm's, a chardev's). That is this
// VM's failure, not libvirt's: the patterns above are not read in such a text.
const GUEST_PROCESS_SAID =
  /qemu unexpectedly closed the monitor|exited while connecting to monitor|qemu-system-\S+:/i;
const BUS_UNAVAILABLE = new Set([
  'org.freedesktop.DBus.Error.ServiceUnknown',
  'org.freedesktop.DBus.Error.NoReply',
  'org.freedesktop.DBus.Error.Disconnected',
  'org.freedesktop.DBus.Error.NoServer',
  'org.freedesktop.DBus.Error.Spawn.ChildExited',
]);

const NOT_FOUND: Array<[RegExp, ErrorCode]> = [
  [/no domain snapshot with matching|domain snapshot not found/i, 'SNAPSHOT_NOT_FOUND'],
  [/no domain with matching|domain not found/i, 'VM_NOT_FOUND'],
  [/no storage pool with matching|storage pool not found/i, 'POOL_NOT_FOUND'],
  [/no storage vol with matching|storage volume not found/i, 'VOLUME_NOT_FOUND'],
  [/no network with matching|network not found/i, 'NETWORK_NOT_FOUND'],
];

export function toAppError(err: unknown, notFound: ErrorCode): AppError {
  if (err instanceof AppError) return err;
  const name = err instanceof DbusCallError ? err.errorName : '';
  const text = err instanceof Error ? err.message : String(err);
  if (
    BUS_UNAVAILABLE.has(name) ||
    (!GUEST_PROCESS_SAID.test(text) && UNAVAILABLE.some((re) => re.test(text)))
  ) {
    return new AppError('HYPERVISOR_UNAVAILABLE', `libvirt is unavailable: ${text}`, { cause: err });
  }
  // libvirt names the kind of object that is missing: that decides the code, whatever was asked
  const missing = NOT_FOUND.find(([re]) => re.test(text));
  if (missing) return new AppError(missing[1], text, { cause: err });
  if (/not found|UnknownObject/i.test(text + name)) return new AppError(notFound, text, { cause: err });
  // "Network is already in use by interface virbr0": a subnet that overlaps one on this host
  if (/already in use by interface|overlaps/i.test(text))
    return new AppError('ADDRESS_CONFLICT', text, { cause: err });
  if (/already exists|is already defined/i.test(text))
    return new AppError('NAME_TAKEN', text, { cause: err });
  if (
    /not running|is already running|not active|is active|already active|requested operation is not valid/i.test(
      text,
    )
  ) {
    return new AppError('VM_STATE_INVALID', text, { cause: err });
  }
  if (/not supported by the connection driver|unsupported configuration/i.test(text)) {
    return new AppError('NOT_SUPPORTED', text, { cause: err });
  }
  if (/not enough space|no space left|insufficient/i.test(text))
    return new AppError('INSUFFICIENT_SPACE', text, { cause: err });
  return new AppError('LIBVIRT_ERROR', text, { cause: err });
}
