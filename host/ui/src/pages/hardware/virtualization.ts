/**
 * The Hardware page's virtualization line. /dev/kvm decides whether guests run under KVM: CPU
 * flags can hide vmx/svm (a nested host shows none, yet KVM works), so they only add detail.
 */
export interface VirtualizationLine {
  readonly tone: 'ok' | 'warning' | 'error';
  /** the badge: short, so it never overflows its card */
  readonly badge: string;
  /** what it means, as text that wraps */
  readonly text: string;
}

const FLAG_NAME: Record<string, string> = { vmx: 'Intel VT-x', svm: 'AMD-V' };
const flagText = (flags: readonly string[]) =>
  flags.map((f) => (FLAG_NAME[f] ? `${FLAG_NAME[f]} (${f})` : f)).join(', ');

export function virtualizationLine(cpu: {
  readonly kvm: boolean;
  readonly virtualization: readonly string[];
}): VirtualizationLine {
  const flags = cpu.virtualization;
  if (cpu.kvm) {
    // the badge says guests run at full speed; the text only says how we know
    return {
      tone: 'ok',
      badge: 'KVM available',
      text:
        flags.length > 0
          ? flagText(flags)
          : '/dev/kvm works; the CPU flags do not show VT-x/AMD-V (as in a nested VM).',
    };
  }
  if (flags.length > 0) {
    return {
      tone: 'warning',
      badge: 'KVM not available',
      text: `The CPU offers ${flagText(flags)}, but /dev/kvm is missing: load the kvm module (or enable virtualization in the firmware). Until then guests run in software emulation, much slower.`,
    };
  }
  return {
    tone: 'error',
    badge: 'none',
    text: 'No /dev/kvm and no VT-x/AMD-V: guests run in software emulation, much slower. Enable virtualization in the firmware, or nested virtualization on a VM host.',
  };
}
