import { AppError } from '@quantix/shared';
import type { Hypervisor } from '../hypervisor/hypervisor.ts';
import type { VmRecord } from './vm-inventory.ts';

/**
 * Errors after which another way may still work: anything but libvirt gone, the VM gone or in
 * the wrong state (no agent, an agent that failed or timed out, a driver without that flag).
 */
const tryNext = (err: unknown): boolean => {
  const code = (err as AppError).code;
  return code !== 'HYPERVISOR_UNAVAILABLE' && code !== 'VM_NOT_FOUND' && code !== 'VM_STATE_INVALID';
};

/**
 * A clean shutdown or reboot: through the guest agent first (the guest's own `shutdown`, works
 * without ACPI support in the guest), then the ACPI power button, then the driver's own default
 * (the test driver takes neither flag). Returns which way was taken.
 */
export async function powerOff(
  h: Hypervisor,
  uuid: string,
  action: 'shutdown' | 'reboot',
): Promise<'guest agent' | 'ACPI' | 'default'> {
  try {
    await h.domainPowerVia(uuid, action, 'agent');
    return 'guest agent';
  } catch (err) {
    if (!tryNext(err)) throw err;
  }
  try {
    await h.domainPowerVia(uuid, action, 'acpi');
    return 'ACPI';
  } catch (err) {
    if (!tryNext(err)) throw err;
  }
  await h.domainAction(uuid, action);
  return 'default';
}

/**
 * swtpm 0.7 binds its control socket, then chmods it by path; libvirt 9 goes on as soon as the
 * socket file exists, and its DAC labelling may chown that file to QEMU's user first. swtpm's
 * chmod then fails (EPERM) and it exits, so QEMU finds the socket dead. A race between the two,
 * seen under load, not a fault of the VM: the next start wins it.
 */
const SWTPM_SOCKET_RACE = /^swtpm: .*Could not change perm\w* on UnixIO socket: Operation not permitted/m;

/**
 * Starts a VM, once more when swtpm lost the race above (`onRetry` says so first). Returns how it
 * started: '' or ' (second try: …)'.
 */
export async function startVm(
  h: Pick<Hypervisor, 'domainAction'>,
  uuid: string,
  onRetry: (why: string) => void,
): Promise<string> {
  try {
    await h.domainAction(uuid, 'start');
    return '';
  } catch (err) {
    if (!SWTPM_SOCKET_RACE.test((err as Error).message)) throw err;
  }
  const why =
    "its TPM emulator (swtpm) exited at start-up: libvirt took over swtpm's socket before swtpm had set its permissions";
  onRetry(why);
  await h.domainAction(uuid, 'start');
  return ` (second try: ${why})`;
}

/**
 * Takes a snapshot with the guest's filesystems frozen by its agent when `quiesce` asks (`auto`:
 * when an agent answers; `true`: refused without one), and thaws them whatever happens. Returns
 * whether they were frozen. A stopped VM's disks are consistent as they are: nothing to freeze.
 */
export async function quiescedSnapshot(
  h: Hypervisor,
  r: VmRecord,
  quiesce: boolean | 'auto',
  take: () => Promise<void>,
  /** a durable mark while frozen (guest-freeze-marks.ts): a host killed meanwhile thaws at its next start */
  marks?: { mark(uuid: string): Promise<void>; clear(uuid: string): Promise<void> },
): Promise<boolean> {
  const uuid = r.info.uuid;
  let frozen = false;
  if (quiesce !== false && r.info.active) {
    if (r.spec.platform.agentChannel === 'none' && quiesce === true) {
      throw new AppError(
        'GUEST_AGENT_UNAVAILABLE',
        `"${r.info.name}" has no guest agent channel to freeze its filesystems through`,
      );
    }
    if (r.spec.platform.agentChannel !== 'none') {
      try {
        await marks?.mark(uuid);
        try {
          await h.guestFsFreeze(uuid);
        } catch (err) {
          await marks?.clear(uuid).catch(() => undefined);
          throw err;
        }
        frozen = true;
      } catch (err) {
        // `auto` goes on without: a snapshot unfrozen beats none (its memory is in it anyway)
        if (quiesce === true || (err as AppError).code === 'HYPERVISOR_UNAVAILABLE') throw err;
      }
    }
  } else if (quiesce === true) {
    throw new AppError('VM_STATE_INVALID', `"${r.info.name}" is not running: there is nothing to freeze`);
  }
  try {
    await take();
  } finally {
    // a guest left frozen hangs on its next write: thaw even when the snapshot failed
    if (frozen) {
      const thawed = await thawGuest(h, uuid);
      // not thawed (libvirt gone a moment): the mark stays, and the next host start thaws it
      if (thawed) await marks?.clear(uuid).catch(() => undefined);
    }
  }
  return frozen;
}

/**
 * Thaws the guest's filesystems, asking again while its agent does not answer yet (right after a
 * revert the restored guest's agent needs a moment, longer under software emulation): a frozen
 * guest hangs on its next write, so one failed call is not the end of it. True once thawed.
 */
export async function thawGuest(
  h: Hypervisor,
  uuid: string,
  opts: { attempts?: number; delayMs?: number } = {},
): Promise<boolean> {
  const attempts = opts.attempts ?? 10;
  for (let i = 0; i < attempts; i++) {
    try {
      await h.guestFsThaw(uuid);
      return true;
    } catch (err) {
      const code = (err as AppError).code;
      if (code === 'VM_NOT_FOUND' || i === attempts - 1) return false;
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 2000));
    }
  }
  return false;
}
