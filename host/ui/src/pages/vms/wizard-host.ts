import type { HardwareReport, HostSummary, PoolSummary } from '@quantix/shared';
import { formatBytes } from '@quantix/shared/ui/format/format-bytes.ts';
import { countOf } from '@quantix/shared/ui/format/plural.ts';

// What the wizard tells about the host the VM lands on: which pool it suggests, and when the VM
// asks for more CPU or memory than the host has. Warnings only: over-commit is allowed, but
// nobody should do it without being told.

export interface HostCapacity {
  readonly threads: number;
  /** bytes */
  readonly memoryTotal: number;
  /** bytes the kernel could give now (MemAvailable); null when unknown */
  readonly memoryAvailable: number | null;
}

/** From the hardware inventory (at most 30 s old), else from the host summary (no free memory). */
export function hostCapacity(
  hardware: Pick<HardwareReport, 'cpu' | 'memory'> | null,
  host: Pick<HostSummary, 'cpu' | 'memoryTotal'> | null,
): HostCapacity | null {
  if (hardware && hardware.cpu.threads > 0 && hardware.memory.total > 0) {
    return {
      threads: hardware.cpu.threads,
      memoryTotal: hardware.memory.total,
      memoryAvailable: hardware.memory.available,
    };
  }
  if (host && host.cpu.threads > 0 && host.memoryTotal > 0) {
    return { threads: host.cpu.threads, memoryTotal: host.memoryTotal, memoryAvailable: null };
  }
  return null;
}

export function describeHost(cap: HostCapacity): string {
  const free = cap.memoryAvailable === null ? '' : ` (${formatBytes(cap.memoryAvailable)} free now)`;
  return `This host has ${countOf(cap.threads, 'CPU thread')} and ${formatBytes(cap.memoryTotal)} of memory${free}.`;
}

export interface OvercommitWarning {
  readonly field: 'vcpus' | 'memoryMiB';
  readonly message: string;
}

const MiB = 1024 * 1024;
const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text) : null);

/** vCPUs past the host's threads; memory past its total or, short of that, past what is free. */
export function overcommitWarnings(
  form: { readonly vcpus: string; readonly memoryMiB: string },
  cap: HostCapacity | null,
): OvercommitWarning[] {
  if (!cap) return [];
  const out: OvercommitWarning[] = [];
  const vcpus = whole(form.vcpus);
  if (vcpus !== null && vcpus > cap.threads) {
    out.push({
      field: 'vcpus',
      message:
        `More vCPUs (${vcpus}) than this host has CPU threads (${cap.threads}): they take turns, ` +
        'so the VM is no faster, and a busy guest slows the host and its other VMs.',
    });
  }
  const mib = whole(form.memoryMiB);
  const bytes = mib === null ? null : mib * MiB;
  if (bytes !== null && bytes > cap.memoryTotal) {
    out.push({
      field: 'memoryMiB',
      message:
        `${formatBytes(bytes)} is more than this host's ${formatBytes(cap.memoryTotal)} of memory: ` +
        'once the guest uses it the host swaps, or the kernel stops a VM to free memory.',
    });
  } else if (bytes !== null && cap.memoryAvailable !== null && bytes > cap.memoryAvailable) {
    out.push({
      field: 'memoryMiB',
      message:
        `${formatBytes(bytes)} is more than is free on this host now (${formatBytes(cap.memoryAvailable)}): ` +
        'running it may push the host into swap, or make the kernel stop a VM to free memory.',
    });
  }
  return out;
}

/** The pool new disks go to unless the user picks another: the running one with the most free space. */
export function defaultPool(pools: readonly PoolSummary[]): PoolSummary | null {
  const running = pools.filter((p) => p.state === 'running');
  running.sort((a, b) => b.available - a.available || a.name.localeCompare(b.name));
  return running[0] ?? null;
}
