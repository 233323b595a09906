/**
 * Turns what libvirt says when QEMU will not start a guest into what failed and what to do. The
 * raw text ends in a QEMU assertion or a libvirt internal error; an admin needs the cause and the
 * next step. The last line of QEMU's own words stays in the message, for a search or a bug report.
 */
export interface StartFailure {
  /** what failed, in a sentence */
  cause: string;
  /** what to do about it */
  remedy: string;
  /** QEMU's or libvirt's own last words */
  detail: string;
}

/** QEMU found the VM's swtpm socket dead: swtpm had exited (its words, when the host has them, follow) */
const TPM_EMULATOR_GONE = /-chardev socket,id=chrtpm,path=\S+-swtpm\.sock: Failed to connect/;

const RULES: Array<{ test: RegExp; cause: (cpu: string) => string; remedy: (cpu: string) => string }> = [
  {
    // swtpm_setup worked, then swtpm exited before QEMU connected to its socket
    test: TPM_EMULATOR_GONE,
    cause: () => "the VM's TPM emulator (swtpm) exited before QEMU could connect to it",
    remedy: () =>
      'Start it again. If it fails the same way every time, the words in brackets say why; or remove the TPM (VM → Hardware).',
  },
  {
    // before the file rule: swtpm's own words often say "Permission denied" or "No such file"
    test: /swtpm/i,
    cause: () => "the VM's TPM emulator (swtpm) could not prepare its state",
    remedy: () =>
      'swtpm runs as its own user (tss), which cannot use the disk space kept for root: check the free space and the owners of /var/lib/libvirt/swtpm and /var/lib/swtpm-localca, or remove the TPM (VM → Hardware), then start it again.',
  },
  {
    // nested AMD EPYC: host-passthrough / host-model abort QEMU at vCPU set-up
    test: /failed to set MSR|kvm_buf_set_msrs|kvm_put_msrs|guest CPU doesn't match|CPU is incompatible with host CPU|host doesn't support requested feature|unsupported configuration:.*CPU/i,
    cause: (cpu) => `QEMU cannot give the guest the CPU "${cpu}" on this host`,
    remedy: () =>
      'Change the VM\'s CPU to the host\'s default model (VM → Hardware → CPU; the models marked "starts here" were tested on this host) and start it again.',
  },
  {
    test: /Could not access KVM kernel module|failed to initialize kvm|\/dev\/kvm|KVM is not available|kvm.*Permission denied/i,
    cause: () => 'KVM (hardware virtualization) cannot be used by QEMU',
    remedy: () =>
      'Check that virtualization is enabled in the firmware (VT-x/AMD-V), that /dev/kvm exists and belongs to the kvm group; on a VM host, enable nested virtualization.',
  },
  {
    test: /Cannot allocate memory|cannot set up guest memory|Out of memory|unable to map backing store/i,
    cause: () => 'the host does not have enough free memory for this guest',
    remedy: () => 'Give the VM less memory or stop other VMs, then start it again.',
  },
  {
    test: /network '([^']+)' is not active/i,
    cause: () => "the VM's network is not running",
    remedy: () =>
      'Start the network on the Networks page (or give the VM another network), then start it again.',
  },
  {
    test: /Cannot get interface MTU|bridge.*(does not exist|No such device)|Unable to add bridge/i,
    cause: () => 'the host bridge the VM is attached to does not exist',
    remedy: () => 'Create the bridge on the host or attach the VM to another network.',
  },
  {
    test: /Could not open '([^']+)'|Cannot access storage file|No such file or directory|Permission denied/i,
    cause: () => 'a disk or ISO file of the VM cannot be opened',
    remedy: () =>
      "Check the VM's disks and CD-ROM (VM → Disks): the file may have been moved or deleted, or its storage pool is stopped.",
  },
];

/**
 * The most telling line of a libvirt error: swtpm's words (added by the hypervisor adapter), else
 * QEMU's own error, else its last words, else the first line.
 */
function lastWords(message: string): string {
  const lines = message
    .split(/\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    // from QEMU's own words on: drop libvirt's preamble and QEMU's timestamp
    .map((l) => (l.indexOf('qemu-system') > 0 ? l.slice(l.indexOf('qemu-system')) : l));
  const qemu = lines.filter((l) => l.startsWith('qemu-system') || /Assertion/.test(l));
  const line =
    lines.find((l) => l.startsWith('swtpm: ')) ??
    qemu.find((l) => /: error: /.test(l)) ??
    qemu.at(-1) ??
    lines[0] ??
    message;
  return line.length > 300 ? `${line.slice(0, 297)}…` : line;
}

export function explainStartFailure(message: string, cpu: string): StartFailure {
  const rule = RULES.find((r) => r.test.test(message));
  const detail = lastWords(message);
  if (!rule) {
    return {
      cause: 'QEMU refused to start the guest',
      remedy: "See the VM's QEMU log (VM → Log) for the whole story.",
      detail,
    };
  }
  return { cause: rule.cause(cpu), remedy: rule.remedy(cpu), detail };
}

export const formatStartFailure = (name: string, f: StartFailure): string =>
  `"${name}" did not start: ${f.cause}. ${f.remedy} (${f.detail.startsWith('swtpm: ') ? '' : 'QEMU: '}${f.detail})`;

/** "Westmere", "host-passthrough": how a CPU is named to a person. */
export const cpuLabel = (cpu: { mode: string; model: string | null }): string =>
  cpu.mode === 'custom' && cpu.model ? cpu.model : cpu.mode;
