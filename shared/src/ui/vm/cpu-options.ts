import type { CpuCapabilities, CpuOption, CpuProbeStatus, VmCpu } from '@quantix/shared';

/**
 * The CPU choice of the wizard and of a VM's Hardware tab, as plain data: which CPUs this host
 * offers, which of them the host's probe saw start a guest, and which one is the default.
 */

/** A CPU as a select value: `host-passthrough`, `custom:Westmere`, … (unique per CPU). */
export function cpuKey(cpu: { readonly mode: string; readonly model?: string | null }): string {
  return cpu.mode === 'custom' && cpu.model ? `custom:${cpu.model}` : cpu.mode;
}

const MODEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The CPU a select value stands for; null for anything a request could not carry. */
export function parseCpuKey(key: string): VmCpu | null {
  if (key === 'host-passthrough' || key === 'host-model' || key === 'maximum') return { mode: key };
  if (key.startsWith('custom:')) {
    const model = key.slice('custom:'.length);
    return MODEL.test(model) ? { mode: 'custom', model } : null;
  }
  return null;
}

export const STATUS_TEXT: Record<CpuProbeStatus, string> = {
  ok: 'starts here',
  failed: 'does not start on this host',
  untested: 'not tested',
  probing: 'being tested…',
};

/** The badge beside the select. */
export const STATUS_SHORT: Record<CpuProbeStatus, string> = {
  ok: 'starts here',
  failed: 'does not start here',
  untested: 'not tested',
  probing: 'testing…',
};

/** How sure the UI is about a CPU: drives the badge colour. */
export const STATUS_TONE: Record<CpuProbeStatus, 'ok' | 'error' | 'neutral' | 'info'> = {
  ok: 'ok',
  failed: 'error',
  untested: 'neutral',
  probing: 'info',
};

export interface CpuChoice {
  readonly key: string;
  readonly label: string;
  readonly status: CpuProbeStatus;
  /** the probe's explanation of a failure, or a note ("starts here, but …") */
  readonly reason: string | null;
  readonly isDefault: boolean;
  /** a failed CPU cannot be chosen (the host would refuse it anyway) */
  readonly disabled: boolean;
  /** the option's text in a select: label, default and status */
  readonly text: string;
}

export interface CpuGroup {
  readonly label: string;
  readonly choices: readonly CpuChoice[];
}

const OWN_MODES = new Set(['host-passthrough', 'host-model', 'maximum']);
const RANK: Record<CpuProbeStatus, number> = { ok: 0, probing: 1, untested: 2, failed: 3 };

function choiceOf(o: CpuOption, defaultKey: string): CpuChoice {
  const key = cpuKey(o.cpu);
  const isDefault = key === defaultKey;
  return {
    key,
    label: o.label,
    status: o.status,
    reason: o.reason,
    isDefault,
    disabled: o.status === 'failed',
    text: `${o.label}${isDefault ? ' — host default' : ''} — ${STATUS_TEXT[o.status]}`,
  };
}

/**
 * The select's groups: this host's own CPU modes first, then the named (portable) models, the
 * default first, then those that start here, those not (yet) tested, and those that do not start.
 * `current` (a VM's CPU that the host does not list, e.g. a model from another host) is kept as
 * its own choice so the select never shows something else.
 */
export function cpuGroups(
  caps: CpuCapabilities,
  current?: { mode: string; model: string | null },
): CpuGroup[] {
  const defaultKey = cpuKey(caps.default);
  const choices = caps.options.map((o) => choiceOf(o, defaultKey));
  const order = (a: CpuChoice, b: CpuChoice) =>
    Number(b.isDefault) - Number(a.isDefault) || RANK[a.status] - RANK[b.status];
  const own = choices.filter((c) => OWN_MODES.has(c.key));
  const named = choices.filter((c) => !OWN_MODES.has(c.key)).sort(order);
  const groups: CpuGroup[] = [];
  if (current && !choices.some((c) => c.key === cpuKey(current))) {
    const label = describeVmCpu(current);
    groups.push({
      label: 'Now',
      choices: [
        {
          key: cpuKey(current),
          label,
          status: 'untested',
          reason: null,
          isDefault: false,
          disabled: false,
          text: `${label} — not offered by this host`,
        },
      ],
    });
  }
  if (own.length > 0) groups.push({ label: "This host's own CPU", choices: own });
  if (named.length > 0) groups.push({ label: 'Named models (the same on every host)', choices: named });
  return groups;
}

/** The choice for a select value, from the groups; null when the host does not list it. */
export function findChoice(groups: readonly CpuGroup[], key: string): CpuChoice | null {
  for (const g of groups) for (const c of g.choices) if (c.key === key) return c;
  return null;
}

/** The CPUs the probe saw fail, with why: shown as text beside the select. */
export function failedChoices(groups: readonly CpuGroup[]): CpuChoice[] {
  return groups.flatMap((g) => g.choices.filter((c) => c.status === 'failed'));
}

/**
 * The wizard keeps '' while the user leaves the default: then the request carries no `cpu` and
 * the host picks its (probed) default, even one the probe settles on after the page loaded.
 */
export function wizardCpuValue(picked: string, caps: CpuCapabilities | null): string {
  if (picked === '' || caps === null) return picked;
  return picked === cpuKey(caps.default) ? '' : picked;
}

/** The select's value for the wizard's field, where '' stands for the host's default. */
export function wizardSelectValue(picked: string, caps: CpuCapabilities | null): string {
  return picked === '' && caps ? cpuKey(caps.default) : picked;
}

/** What a VM's `<cpu>` says, in words. */
export function describeVmCpu(cpu: { readonly mode: string; readonly model: string | null }): string {
  switch (cpu.mode) {
    case 'custom':
      return cpu.model ?? "QEMU's default model";
    case 'host-passthrough':
      return "host-passthrough (this host's CPU)";
    case 'host-model':
      return "host-model (this host's CPU model)";
    case 'maximum':
      return 'maximum (everything QEMU emulates)';
    case 'default':
      return "QEMU's default model (none set)";
    default:
      return cpu.model ? `${cpu.mode} · ${cpu.model}` : cpu.mode;
  }
}

/** One line under the select: what the chosen CPU means here. */
export function choiceNote(choice: CpuChoice | null, probing: boolean): string {
  if (!choice) return probing ? 'This host is testing which CPUs start guests…' : '';
  const parts: string[] = [];
  if (choice.isDefault) {
    parts.push(probing ? 'The default for now; the test is still running.' : "This host's default.");
  }
  // the probe words a caveat of a CPU that started as "starts here, but …"
  const caveat = choice.reason?.startsWith(STARTS_BUT) ? choice.reason.slice(STARTS_BUT.length) : null;
  if (choice.status === 'ok') {
    parts.push(
      `Tested: guests with this CPU start on this host${caveat ? `, but ${sentence(caveat, false)}` : '.'}`,
    );
  } else if (choice.status === 'failed') parts.push('Guests with this CPU do not start on this host:');
  else if (choice.status === 'probing') parts.push('Being tested on this host…');
  else parts.push('Not tested on this host.');
  if (choice.reason && !caveat) parts.push(sentence(choice.reason, true));
  return parts.join(' ');
}

const STARTS_BUT = 'starts here, but ';

/** A reason from the host as a sentence: capitalised (when it starts one) and with a full stop. */
function sentence(text: string, capital: boolean): string {
  const t = capital ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  return /[.!?…)]$/.test(t) ? t : `${t}.`;
}

/** When a CPU change applies: a running guest keeps its CPU until it is started again. */
export function cpuChangeNote(state: string): string {
  return state === 'shutoff' || state === 'crashed'
    ? 'It takes effect at the next start.'
    : 'It takes effect at the next start: the VM keeps its current CPU until it is shut down and started again.';
}
