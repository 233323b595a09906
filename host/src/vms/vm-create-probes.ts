import type { FirmwareCapabilities, VmCpu } from '@quantix/shared';
import { defaultCpu } from '../libvirt-xml/domain-xml.ts';
import { assertCpuFits, type CpuProbe } from './cpu-probe.ts';
import { cpuLabel } from './start-failure.ts';
import { UNCHECKED_PLATFORM } from './vm-create-platform.ts';
import type { PlatformProbe } from './vm-platform-probe.ts';

/** how long the probes may keep a create waiting before its progress says so */
const PROBES_SILENT_MS = 300;
/**
 * How long a create waits for the probes at most. On a KVM host they take seconds; a libvirt
 * that answers each probe guest's start only after its 25 s D-Bus limit would keep the first VM
 * waiting for minutes (about nine guests, each started and destroyed).
 */
export const PROBES_WAIT_MS = 60_000;

export interface CreateProbes {
  cpu: VmCpu;
  capabilities: FirmwareCapabilities;
  /** what the VM got without the probes' answer, for the event log (empty when they answered) */
  notes: string[];
}

/**
 * What a new VM needs from the host's CPU and firmware probes. They run once per libvirt
 * connection, starting throw-away guests: the first VM created after that waits for them, and its
 * progress says so rather than sit on "Checking the name and the storage". It waits `limitMs` at
 * most, then goes on with what needs no probe: the asked CPU (refused only where it needs KVM
 * and there is none), else qemu64 under KVM (the probe's own last resort, which starts on every
 * x86-64 host) or QEMU's `maximum` under software emulation; no Hyper-V enlightenments
 * (resolvePlatform says so for a Windows preset); and libvirt's word on UEFI, Secure Boot and the
 * TPM, or, where it has not given it yet, neither refused nor checked (libvirt itself refuses a
 * firmware or an emulator it lacks, at the latest when the VM starts), which the notes say.
 */
export async function awaitProbes(
  deps: { cpu: CpuProbe; platform: PlatformProbe | undefined; virtType: () => Promise<'kvm' | 'qemu'> },
  asked: VmCpu | undefined,
  again: (m: string) => void,
  limitMs = PROBES_WAIT_MS,
): Promise<CreateProbes> {
  const probes = Promise.all([
    asked ? deps.cpu.assertStartable(asked) : undefined,
    deps.platform ? deps.platform.settled() : UNCHECKED_PLATFORM,
    asked ?? deps.cpu.defaultCpu(),
  ]).then(([, capabilities, cpu]) => ({ cpu, capabilities, notes: [] }));
  const timers: NodeJS.Timeout[] = [];
  const after = <T>(ms: number, value: T) =>
    new Promise<T>((resolve) => timers.push(setTimeout(() => resolve(value), ms)));
  const done = probes.then(
    () => 'done' as const,
    () => 'done' as const,
  );
  try {
    if ((await Promise.race([done, after(PROBES_SILENT_MS, 'slow' as const)])) === 'done')
      return await probes;
    again(
      "Waiting for the host's CPU and firmware checks: they start test guests once after libvirt connects",
    );
    if ((await Promise.race([done, after(limitMs - PROBES_SILENT_MS, 'late' as const)])) === 'done')
      return await probes;
  } finally {
    for (const t of timers) clearTimeout(t);
  }
  // they go on in the background (and a failure there is theirs to log)
  probes.catch(() => undefined);
  const known = deps.platform?.known() ?? null;
  const virtType = known?.virtType ?? (await deps.virtType());
  if (asked) assertCpuFits(asked, virtType);
  const cpu = asked ?? defaultCpu(virtType);
  const unfinished = "the host's checks had not finished";
  const unchecked = { available: true, reason: `not checked: ${unfinished}` };
  const capabilities: FirmwareCapabilities = {
    ...(known ?? { ...UNCHECKED_PLATFORM, uefi: unchecked, secureBoot: unchecked, tpm: unchecked }),
    virtType,
    hyperv: { level: 'off', reason: unfinished },
  };
  const seconds = Math.round(limitMs / 1000);
  const label = cpuLabel({ mode: cpu.mode, model: cpu.mode === 'custom' ? cpu.model : null });
  const notes = [
    asked
      ? `the host's CPU and firmware checks had not finished after ${seconds} s: its CPU ${label} was not checked against them`
      : `the host's CPU and firmware checks had not finished after ${seconds} s, so it has the CPU ${label} (it needs no check); its Hardware tab changes it once they are done`,
  ];
  if (!known)
    notes.push('UEFI, Secure Boot and TPM were not checked: libvirt had not listed its firmware yet');
  again(`Going on without the host's CPU and firmware checks (still running after ${seconds} s)`);
  return { cpu, capabilities, notes };
}
