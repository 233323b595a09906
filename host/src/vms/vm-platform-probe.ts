import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AppError, FeatureAvailability, FirmwareCapabilities, VmCpu } from '@quantix/shared';
import type { Logger } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { Hypervisor } from '../hypervisor/hypervisor.ts';
import { type FirmwareCaps, parseDomainCapsFirmware } from '../libvirt-xml/domain-caps-xml.ts';
import { buildProbeDomainXml } from '../libvirt-xml/domain-xml.ts';
import type { CpuProbe } from './cpu-probe.ts';
import { probeGuestNames } from './probe-guest-names.ts';
import { explainStartFailure } from './start-failure.ts';

/** a guest still running this long after it started has got past QEMU's set-up */
const SETTLE_MS = 600;
/** a firmware that stops at once stops within this (OVMF under nested KVM: a KVM internal error) */
const UEFI_SETTLE_MS = 1500;
/** Debian's stateless OVMF image (package ovmf): started as ROM it leaves no NVRAM file behind */
const OVMF_ROM = '/usr/share/ovmf/OVMF.fd';

export type HypervLevel = FirmwareCapabilities['hyperv']['level'];

export interface PlatformProbe {
  /** UEFI, Secure Boot, TPM and Hyper-V enlightenments for new VMs here */
  capabilities(): Promise<FirmwareCapabilities>;
  /** the same, once the probe is done (for creating a VM) */
  settled(): Promise<FirmwareCapabilities>;
  /** what is known now (libvirt's domain capabilities while guests are being tried), or null */
  known(): FirmwareCapabilities | null;
  /** destroys a probe guest still running, before the host stops */
  close(): Promise<void>;
  /** its throw-away guests (ours by UUID, any host's by name), which the VM list leaves out */
  isProbeGuest(uuid: string, name?: string): boolean;
}

const PROBE_GUESTS = probeGuestNames('fw');

/**
 * Once per libvirt connection, off the request path, like the CPU probe: what libvirt's domain
 * capabilities say for a q35 guest (OVMF, its Secure Boot build, swtpm), then two things only a
 * start shows. Secure Boot needs System Management Mode, which nested KVM may lack ("System
 * Management Mode not supported by this hypervisor") although libvirt lists the firmware; and
 * Hyper-V enlightenments, which nested hosts may refuse (VP_INDEX) or crash QEMU on (a failed MSR
 * write) — so Windows guests get the richest set that starts here. Its guests are named
 * `qx-fw-probe-*` and left out of the VM list like the CPU probe's. It runs
 * when first asked (the wizard, a create), not at connect: a host nobody creates VMs on never
 * starts these guests, and they never overlap the CPU probe's.
 */
export function createPlatformProbe(deps: {
  monitor: HypervisorMonitor;
  cpu: CpuProbe;
  log: Logger;
}): PlatformProbe {
  let current: Promise<FirmwareCapabilities> | null = null;
  let snapshot: FirmwareCapabilities | null = null;
  let generation = 0;
  let running: { h: Hypervisor; uuid: string } | null = null;
  let closed = false;
  // resolves when the probe guest being started now is destroyed again (close waits for it)
  let attemptDone: (() => void) | null = null;
  let attempt: Promise<void> = Promise.resolve();
  const probeGuests = new Set<string>();

  /** probe guests a host killed mid-probe left running (transient: nothing else removes them) */
  const sweepLeftovers = (h: Hypervisor) => PROBE_GUESTS.destroyLeftovers(h);

  const tryStart = async (
    h: Hypervisor,
    virtType: 'kvm' | 'qemu',
    cpu: VmCpu,
    what: { smm?: boolean; hyperv?: HypervLevel; loaderRom?: string },
  ): Promise<string | null> => {
    const uuid = randomUUID();
    const name = PROBE_GUESTS.name(uuid);
    if (closed) throw new Error('the host is stopping');
    probeGuests.add(uuid);
    running = { h, uuid };
    attempt = new Promise<void>((r) => {
      attemptDone = r;
    });
    try {
      await h.createTransientDomain(buildProbeDomainXml({ name, uuid, virtType, cpu, ...what }));
    } catch (err) {
      attemptDone?.(); // nothing was made
      if ((err as AppError).code === 'HYPERVISOR_UNAVAILABLE') throw err;
      const f = explainStartFailure((err as Error).message, 'this CPU');
      return f.detail;
    }
    try {
      // the host began to stop while the guest was being created: destroy it now (finally)
      if (closed) return 'the host is stopping';
      await new Promise((r) => setTimeout(r, what.loaderRom ? UEFI_SETTLE_MS : SETTLE_MS));
      const state = await h.domainState(uuid).catch(() => 'shutoff' as const);
      return state === 'running' || state === 'blocked'
        ? null
        : `the guest stopped right after it started (${state})`;
    } finally {
      await h.domainAction(uuid, 'destroy').catch(() => undefined);
      running = null;
      attemptDone?.();
    }
  };

  const run = async (gen: number): Promise<FirmwareCapabilities> => {
    const h = deps.monitor.get();
    await sweepLeftovers(h).catch(() => undefined);
    const virtType = (await h.kvmAvailable()) ? 'kvm' : 'qemu';
    let caps: FirmwareCaps | null = null;
    try {
      caps = parseDomainCapsFirmware(await h.domainCapabilities(virtType, 'q35'));
    } catch (err) {
      deps.log.debug({ err }, 'no domain capabilities; firmware and TPM not checked');
    }
    // the test driver reports no capabilities: offer everything, as it runs anything
    const unchecked = 'not checked: this libvirt driver reports no domain capabilities';
    const feature = (ok: boolean | undefined, missing: string): FeatureAvailability =>
      ok === undefined
        ? { available: true, reason: unchecked }
        : ok
          ? { available: true, reason: null }
          : { available: false, reason: missing };
    const result: FirmwareCapabilities = {
      virtType,
      probing: true,
      uefi: feature(caps?.efi, 'libvirt finds no UEFI firmware: install Debian\'s "ovmf" package'),
      secureBoot: feature(
        caps ? caps.efi && caps.secureBoot : undefined,
        caps?.efi
          ? "libvirt lists no Secure Boot build of OVMF (Debian's OVMF_CODE_4M.secboot.fd)"
          : 'Secure Boot needs UEFI firmware, which libvirt does not find',
      ),
      tpm: feature(
        caps?.tpm20,
        'libvirt cannot emulate a TPM 2.0 here: install Debian\'s "swtpm" and "swtpm-tools" packages',
      ),
      hyperv:
        virtType === 'kvm'
          ? { level: 'off', reason: 'being probed' }
          : { level: 'off', reason: 'software emulation (no KVM): Hyper-V enlightenments are KVM features' },
    };
    const publish = () => {
      if (gen === generation) snapshot = { ...result };
    };
    publish();
    if (virtType === 'kvm') {
      const cpu = await deps.cpu.defaultCpu();
      if (result.secureBoot.available && caps) {
        const failure = await tryStart(h, virtType, cpu, { smm: true });
        if (failure) {
          result.secureBoot = {
            available: false,
            reason: `Secure Boot needs System Management Mode, which KVM does not give guests here (nested virtualization?): ${failure}`,
          };
        }
      }
      // UEFI: libvirt lists OVMF, QEMU starts it, yet on some nested hosts KVM stops the guest
      // inside the firmware at once (paused, "KVM internal error"). Said, not refused: such
      // guests run under software emulation, and the next host may differ.
      if (caps?.efi && existsSync(OVMF_ROM)) {
        const failure = await tryStart(h, virtType, cpu, { loaderRom: OVMF_ROM });
        if (failure) {
          result.uefi = {
            available: true,
            reason: `UEFI guests do not run under KVM on this host (nested virtualization?): ${failure}. They start, then stop inside the firmware.`,
          };
        }
      }
      for (const level of ['full', 'basic'] as const) {
        const failure = await tryStart(h, virtType, cpu, { hyperv: level });
        if (!failure) {
          result.hyperv = { level, reason: level === 'full' ? null : 'the full set does not start here' };
          break;
        }
        result.hyperv = {
          level: 'off',
          reason: `guests with Hyper-V enlightenments do not start here: ${failure}`,
        };
      }
    }
    result.probing = false;
    publish();
    deps.log.info(
      { secureBoot: result.secureBoot.available, tpm: result.tpm.available, hyperv: result.hyperv.level },
      'firmware probe done',
    );
    return { ...result };
  };

  const start = () => {
    const gen = ++generation;
    snapshot = null;
    const p = run(gen);
    current = p;
    p.catch((err: unknown) => {
      deps.log.warn({ err }, 'the firmware probe did not finish');
      if (current === p) current = null;
    });
  };
  // a new libvirt connection may be another libvirt: ask again when next asked
  deps.monitor.onChange(() => {
    generation++;
    current = null;
    snapshot = null;
  });
  const settled = () => {
    if (!current) start();
    return current as Promise<FirmwareCapabilities>;
  };
  return {
    async capabilities() {
      if (!current) start();
      return snapshot ?? settled();
    },
    settled,
    known: () => (snapshot ? { ...snapshot } : null),
    isProbeGuest: (uuid, name) => probeGuests.has(uuid) || (name !== undefined && PROBE_GUESTS.matches(name)),
    async close() {
      closed = true;
      const r = running;
      if (r) await r.h.domainAction(r.uuid, 'destroy').catch(() => undefined);
      // a guest whose creation was under way is destroyed once it exists: wait for that (bounded),
      // or libvirt-guests finds it at power-off and waits minutes for it to shut down
      await Promise.race([attempt, new Promise((r) => setTimeout(r, 10_000).unref())]);
    },
  };
}
