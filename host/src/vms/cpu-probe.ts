import { randomUUID } from 'node:crypto';
import { AppError, type CpuCapabilities, type CpuOption, type VmCpu } from '@quantix/shared';
import type { Logger } from '@quantix/shared/server';
import type { HypervisorMonitor } from '../hypervisor/hypervisor-monitor.ts';
import type { Hypervisor } from '../hypervisor/hypervisor.ts';
import { type CpuCaps, parseDomainCapsCpu } from '../libvirt-xml/domain-caps-xml.ts';
import { buildProbeDomainXml, defaultCpu } from '../libvirt-xml/domain-xml.ts';
import { probeGuestNames } from './probe-guest-names.ts';
import { cpuLabel, explainStartFailure } from './start-failure.ts';

/**
 * Named models tried, best first, for the default CPU of new VMs (Proxmox's idea: a baseline
 * model that every host of a fleet runs, so guests move between them). Westmere is x86-64-v2 with
 * AES (Proxmox's `x86-64-v2-AES`, which QEMU 7.2 lacks); Nehalem is x86-64-v2. libvirt must think
 * the host provides the model (`usable='yes'`) and a guest must start with it. qemu64 (QEMU's own
 * default) is the last resort: it starts on every x86-64 KVM host.
 */
export const BASELINE_MODELS = ['x86-64-v2-AES', 'Westmere', 'Nehalem'] as const;
const LAST_RESORT = 'qemu64';
/** a guest still running this long after it started has got past QEMU's CPU set-up */
const SETTLE_MS = 600;

export interface CpuProbe {
  /** what the wizard offers now (statuses may still be `probing`) */
  capabilities(): Promise<CpuCapabilities>;
  /** the default for a new VM; waits for the probe when it still runs */
  defaultCpu(): Promise<VmCpu>;
  /** refuses a CPU the probe saw fail here (VALIDATION_FAILED, with the reason) */
  assertStartable(cpu: VmCpu): Promise<void>;
  /** the probe's throw-away guests (ours by UUID, any host's by name), which the VM list and the audit trail leave out */
  isProbeGuest(uuid: string, name?: string): boolean;
  /** destroys a probe guest still running, before the host stops */
  close(): Promise<void>;
}

const PROBE_GUESTS = probeGuestNames('cpu');

/** refuses what needs no probe to refuse: the host's own CPU (passthrough or model) without KVM */
export function assertCpuFits(cpu: VmCpu, virtType: 'kvm' | 'qemu'): void {
  if (virtType === 'qemu' && (cpu.mode === 'host-passthrough' || cpu.mode === 'host-model')) {
    throw new AppError('VALIDATION_FAILED', `cpu: ${cpu.mode} needs KVM, which this host does not offer`);
  }
}

const key = (cpu: VmCpu): string => (cpu.mode === 'custom' ? `custom:${cpu.model}` : cpu.mode);

interface Result {
  virtType: 'kvm' | 'qemu';
  default: VmCpu;
  options: CpuOption[];
}

/**
 * Once per libvirt connection, off the request path: which CPU modes start a tiny guest on this
 * host. QEMU aborts at start with host-passthrough or host-model on some hosts (nested AMD EPYC:
 * "failed to set MSR 0x10a"), and libvirt's `usable` flags are guesses (on one nested Intel host
 * here they call qemu64 unusable, yet it starts), so a real start is the only test.
 */
export function createCpuProbe(deps: { monitor: HypervisorMonitor; log: Logger }): CpuProbe {
  const probeGuests = new Set<string>();
  let running: { h: Hypervisor; uuid: string } | null = null;
  const orphans = new Set<string>();
  let closed = false;
  // resolves when the probe guest being started now is destroyed again (close waits for it)
  let attemptDone: (() => void) | null = null;
  let attempt: Promise<void> = Promise.resolve();
  let current: Promise<Result> | null = null;
  let snapshot: Result | null = null;
  let generation = 0;

  /** starts a throw-away guest with this CPU; null when it ran, else why not */
  const tryStart = async (h: Hypervisor, virtType: 'kvm' | 'qemu', cpu: VmCpu): Promise<string | null> => {
    const uuid = randomUUID();
    probeGuests.add(uuid);
    const name = PROBE_GUESTS.name(uuid);
    if (closed) throw new Error('the host is stopping');
    try {
      running = { h, uuid };
      attempt = new Promise<void>((r) => {
        attemptDone = r;
      });
      await h.createTransientDomain(buildProbeDomainXml({ name, uuid, virtType, cpu }));
    } catch (err) {
      attemptDone?.(); // nothing was made
      if ((err as AppError).code === 'HYPERVISOR_UNAVAILABLE') throw err;
      const f = explainStartFailure(
        (err as Error).message,
        cpuLabel({ mode: cpu.mode, model: 'model' in cpu ? cpu.model : null }),
      );
      return `${f.cause} (QEMU: ${f.detail})`;
    }
    try {
      // the host began to stop while the guest was being created: destroy it now (finally)
      if (closed) return 'the host is stopping';
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const state = await h.domainState(uuid).catch(() => 'shutoff' as const);
      return state === 'running' || state === 'blocked'
        ? null
        : `the guest stopped right after it started (${state})`;
    } finally {
      await h.domainAction(uuid, 'destroy').catch((err: unknown) => {
        // libvirt went away under the probe: its guest runs on, destroy it once libvirt is back
        if ((err as AppError).code === 'HYPERVISOR_UNAVAILABLE') orphans.add(uuid);
      });
      running = null;
      attemptDone?.();
    }
  };
  /** probe guests that a host killed mid-probe left running (transient, so nothing else removes them) */
  const sweepLeftovers = (h: Hypervisor) =>
    PROBE_GUESTS.destroyLeftovers(h, (name) =>
      deps.log.info({ name }, 'destroyed a CPU probe guest left running by an earlier host process'),
    );

  const run = async (gen: number): Promise<Result> => {
    const h = deps.monitor.get();
    for (const uuid of orphans) {
      orphans.delete(uuid);
      await h.domainAction(uuid, 'destroy').catch(() => undefined);
    }
    await sweepLeftovers(h);
    const virtType = (await h.kvmAvailable()) ? 'kvm' : 'qemu';
    let caps: CpuCaps | null = null;
    try {
      caps = parseDomainCapsCpu(await h.domainCapabilities(virtType));
    } catch (err) {
      // the test driver has no domain capabilities: offer the modes, probe them all the same
      deps.log.debug({ err }, 'no domain capabilities; offering the basic CPU modes');
    }
    const usable = new Map((caps?.models ?? []).map((m) => [m.name, m.usable]));
    const known = (model: string) => caps === null || usable.has(model);
    const options = new Map<string, CpuOption>();
    const add = (cpu: VmCpu, label: string, reason: string | null = null) =>
      options.set(key(cpu), { cpu, label, status: 'untested', reason });
    if (virtType === 'kvm') {
      if (caps?.hostPassthrough ?? true)
        add({ mode: 'host-passthrough' }, "host-passthrough (this host's CPU; fastest, not portable)");
      if (caps?.hostModel ?? true) add({ mode: 'host-model' }, "host-model (this host's CPU model)");
    } else {
      add({ mode: 'maximum' }, 'maximum (everything QEMU emulates)');
    }
    const names = caps ? caps.models.map((m) => m.name) : [...BASELINE_MODELS, LAST_RESORT];
    for (const name of names) {
      const guess = usable.get(name);
      add(
        { mode: 'custom', model: name },
        name,
        guess === false ? 'libvirt expects this host to lack some of its features' : null,
      );
    }

    // the options are the very objects the probe updates: a read while it runs sees its progress
    const publish = (dflt: VmCpu) => {
      if (gen === generation) snapshot = { virtType, default: dflt, options: [...options.values()] };
    };
    const probe = async (cpu: VmCpu): Promise<boolean> => {
      const o = options.get(key(cpu));
      if (!o) return false;
      o.status = 'probing';
      const failure = await tryStart(h, virtType, cpu);
      o.status = failure ? 'failed' : 'ok';
      o.reason = failure ?? (o.reason ? `starts here, but ${o.reason}` : null);
      if (failure) deps.log.warn({ cpu, failure }, 'guests with this CPU do not start on this host');
      return !failure;
    };

    let dflt: VmCpu = defaultCpu(virtType);
    for (const o of options.values()) if (o.cpu.mode !== 'custom') o.status = 'probing';
    publish(dflt);
    if (virtType === 'kvm') {
      await probe({ mode: 'host-passthrough' });
      await probe({ mode: 'host-model' });
      const baselines = BASELINE_MODELS.filter((m) => known(m) && usable.get(m) !== false);
      let found: VmCpu | null = null;
      for (const model of [...baselines, LAST_RESORT]) {
        const cpu: VmCpu = { mode: 'custom', model };
        if (known(model) && (await probe(cpu))) {
          found = cpu;
          break;
        }
      }
      // nothing named starts (unheard of): the host's own CPU, if that does
      dflt = found ?? [...options.values()].find((o) => o.status === 'ok')?.cpu ?? dflt;
    } else {
      await probe({ mode: 'maximum' });
    }
    for (const o of options.values()) if (o.status === 'probing') o.status = 'untested';
    publish(dflt);
    deps.log.info(
      {
        virtType,
        default: dflt,
        failed: [...options.values()].filter((o) => o.status === 'failed').map((o) => key(o.cpu)),
      },
      'CPU probe done',
    );
    return { virtType, default: dflt, options: [...options.values()] };
  };

  const start = () => {
    const gen = ++generation;
    snapshot = null;
    const p = run(gen);
    current = p;
    p.catch((err: unknown) => {
      deps.log.warn({ err }, 'the CPU probe did not finish');
      if (current === p) current = null;
    });
  };
  deps.monitor.onChange((s) => {
    if (s.available) start();
    else {
      generation++;
      current = null;
      snapshot = null;
    }
  });

  const settled = async (): Promise<Result> => {
    if (!current) start();
    return current as Promise<Result>;
  };

  return {
    async capabilities() {
      if (!current) start();
      const s = snapshot;
      if (!s) {
        // not even the capabilities were read yet: wait for the whole probe
        const r = await settled();
        return { ...r, probing: false };
      }
      return {
        virtType: s.virtType,
        default: s.default,
        options: s.options.map((o) => ({ ...o })),
        probing: s.options.some((o) => o.status === 'probing'),
      };
    },
    async defaultCpu() {
      return (await settled()).default;
    },
    async assertStartable(cpu) {
      const r = await settled();
      const o = r.options.find((x) => key(x.cpu) === key(cpu));
      if (o?.status === 'failed') {
        throw new AppError(
          'VALIDATION_FAILED',
          `cpu: guests with ${o.label} do not start on this host: ${o.reason}`,
        );
      }
      assertCpuFits(cpu, r.virtType);
    },
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
