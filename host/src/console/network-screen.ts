import type { NetInterface } from './net-interfaces.ts';
import { describeNetwork, type ManagementNetwork, parseNetworkForm } from './network-config.ts';
import { confirm, notice, reason } from './screens.ts';
import type { SystemActions } from './system-actions.ts';
import type { Terminal } from './terminal.ts';

const TITLE = 'Management network';

function interfaceLines(list: NetInterface[], current: string | undefined): string[] {
  return list.map((n, i) => {
    const addrs = n.addresses.length ? n.addresses.join(' ') : 'no address';
    const mark = n.name === current ? '  (management now)' : '';
    return `  ${String(i + 1).padStart(2)}) ${n.name.padEnd(15)} ${(n.mac ?? '').padEnd(17)} ${n.state.padEnd(5)} ${addrs}${mark}`;
  });
}

/** Asks one field until it parses (Esc cancels: null). */
async function ask(
  term: Terminal,
  prompt: string,
  check: (typed: string) => string | null,
): Promise<string | null> {
  for (;;) {
    const typed = await term.readLine(prompt);
    if (typed === null) return null;
    const problem = check(typed.trim());
    if (problem === null) return typed.trim();
    term.write(`  ${problem}\n`);
  }
}

/** The field's own error from the form, if any (the others may not be typed yet). */
const fieldError = (form: Parameters<typeof parseNetworkForm>[0], field: string) => {
  const r = parseNetworkForm(form);
  if (r.ok) return null;
  return r.errors.find((e) => e.startsWith(`${field}:`)) ?? null;
};

/**
 * [N]: the management network, DHCP or a static address/prefix, gateway and DNS, on an interface
 * chosen by number. Validated field by field (zod, ManagementNetwork), confirmed, then written as a
 * systemd-networkd file and applied (SystemActions.applyNetwork).
 */
export async function networkScreen(d: {
  term: Terminal;
  actions: Pick<SystemActions, 'listInterfaces' | 'applyNetwork'>;
  /** the interface the management address is on now */
  current: string | undefined;
}): Promise<void> {
  const { term } = d;
  const list = await d.actions.listInterfaces();
  if (list.length === 0) return notice(term, TITLE, ['No network interface found.']);
  const preset = Math.max(
    0,
    list.findIndex((n) => n.name === d.current),
  );
  term.screen(
    [`  ${TITLE}`, '', ...interfaceLines(list, d.current), '', '  Esc cancels at any question.', ''].join(
      '\n',
    ),
  );
  const pick = await ask(term, `  Interface [${preset + 1}]: `, (t) => {
    if (t === '') return null;
    const n = Number(t);
    return Number.isInteger(n) && n >= 1 && n <= list.length ? null : `Choose 1 to ${list.length}.`;
  });
  if (pick === null) return;
  const iface = list[pick === '' ? preset : Number(pick) - 1]?.name ?? '';
  const mode = await ask(term, '  [D]HCP or [S]tatic address? [D]: ', (t) =>
    /^(d|dhcp|s|static)?$/i.test(t) ? null : 'Answer D or S.',
  );
  if (mode === null) return;
  let config: ManagementNetwork;
  if (/^(s|static)$/i.test(mode)) {
    const form = { iface, mode: 'static' as const, address: '', gateway: '', dns: '' };
    const address = await ask(term, '  Address/prefix (e.g. 192.168.1.10/24): ', (t) =>
      fieldError({ ...form, address: t }, 'address'),
    );
    if (address === null) return;
    form.address = address;
    const gateway = await ask(term, '  Gateway (empty for none): ', (t) =>
      fieldError({ ...form, gateway: t }, 'gateway'),
    );
    if (gateway === null) return;
    form.gateway = gateway;
    const dns = await ask(term, '  DNS servers, space-separated (empty for none): ', (t) =>
      fieldError({ ...form, dns: t }, 'dns'),
    );
    if (dns === null) return;
    form.dns = dns;
    const r = parseNetworkForm(form);
    if (!r.ok) return notice(term, TITLE, ['Nothing was changed:', ...r.errors]);
    config = r.config;
  } else {
    const r = parseNetworkForm({ iface, mode: 'dhcp' });
    if (!r.ok) return notice(term, TITLE, ['Nothing was changed:', ...r.errors]);
    config = r.config;
  }
  term.write(`\n  ${describeNetwork(config)}\n  The web UI may move to another address.\n`);
  if (!(await confirm(term, 'Apply this now?'))) return notice(term, TITLE, ['Nothing was changed.']);
  term.write('  Applying...\n');
  try {
    const r = await d.actions.applyNetwork(config);
    return notice(term, TITLE, [
      r.ok ? `Applied: ${describeNetwork(config)}` : 'It did not apply:',
      r.detail,
    ]);
  } catch (err) {
    return notice(term, TITLE, ['It did not apply:', reason(err)]);
  }
}
