import { spawn } from 'node:child_process';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetInterface } from './net-interfaces.ts';
import { type ManagementNetwork, NETWORK_FILE, renderNetworkFile } from './network-config.ts';

/** How a system command went: `ok` when it exited 0; `detail` is its output or why it failed. */
export interface ActionResult {
  ok: boolean;
  detail: string;
}

/** Everything the console does to the machine, behind one interface (a fake in unit tests). */
export interface SystemActions {
  /** `systemctl restart quantix-host` */
  restart(): Promise<ActionResult>;
  /** the service's last log lines (`journalctl -u quantix-host -n 200`) */
  logs(): Promise<string>;
  reboot(): Promise<ActionResult>;
  poweroff(): Promise<ActionResult>;
  /** `quantix-install`, with the terminal handed over; its exit code */
  install(): Promise<number | null>;
  /** a root login shell, with the terminal handed over; its exit code */
  shell(): Promise<number | null>;
  /** writes the management network's `.network` file and has systemd-networkd apply it */
  applyNetwork(config: ManagementNetwork): Promise<ActionResult>;
  listInterfaces(): Promise<NetInterface[]>;
}

/** Runs programs: captured (output collected) or interactive (the terminal inherited). */
export interface CommandRunner {
  capture(cmd: string, args: string[]): Promise<{ code: number | null; output: string }>;
  interactive(cmd: string, args: string[]): Promise<number | null>;
}

export function createCommandRunner(): CommandRunner {
  return {
    capture: (cmd, args) =>
      new Promise((resolve) => {
        const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
        child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
        child.on('error', (err) => resolve({ code: null, output: `${cmd}: ${err.message}` }));
        child.on('close', (code) => resolve({ code, output }));
      }),
    interactive: (cmd, args) =>
      new Promise((resolve) => {
        const child = spawn(cmd, args, { stdio: 'inherit' });
        child.on('error', () => resolve(null));
        child.on('close', (code) => resolve(code));
      }),
  };
}

const SERVICE = 'quantix-host';

/** The real actions: systemctl, journalctl, networkctl, quantix-install and bash. */
export function createSystemActions(deps: {
  run: CommandRunner;
  /** where systemd-networkd reads `.network` files: /etc/systemd/network */
  networkDir: string;
  listInterfaces: () => Promise<NetInterface[]>;
}): SystemActions {
  const { run } = deps;
  const result = async (cmd: string, args: string[]): Promise<ActionResult> => {
    const r = await run.capture(cmd, args);
    const detail = r.output.trim();
    if (r.code === 0) return { ok: true, detail };
    return { ok: false, detail: detail || `${cmd} ${args.join(' ')} exited with ${r.code ?? 'an error'}` };
  };
  return {
    restart: () => result('systemctl', ['restart', SERVICE]),
    async logs() {
      const r = await run.capture('journalctl', ['-u', SERVICE, '-n', '200', '--no-pager']);
      return r.output;
    },
    reboot: () => result('systemctl', ['reboot']),
    poweroff: () => result('systemctl', ['poweroff']),
    install: () => run.interactive('quantix-install', []),
    shell: () => run.interactive('/bin/bash', ['-l']),
    async applyNetwork(config) {
      const file = join(deps.networkDir, NETWORK_FILE);
      try {
        await mkdir(deps.networkDir, { recursive: true });
        // a whole file or none: networkd may read it any time
        const tmp = join(deps.networkDir, `.${NETWORK_FILE}.tmp`);
        await writeFile(tmp, renderNetworkFile(config), { mode: 0o644 });
        await chmod(tmp, 0o644);
        await rename(tmp, file);
      } catch (err) {
        return { ok: false, detail: `could not write ${file}: ${(err as Error).message}` };
      }
      const reload = await result('networkctl', ['reload']);
      if (!reload.ok)
        return { ok: false, detail: `wrote ${file}, but networkctl reload failed: ${reload.detail}` };
      const apply = await result('networkctl', ['reconfigure', config.iface]);
      if (!apply.ok)
        return { ok: false, detail: `wrote ${file}, but networkctl reconfigure failed: ${apply.detail}` };
      return { ok: true, detail: `wrote ${file}; systemd-networkd reconfigured ${config.iface}` };
    },
    listInterfaces: deps.listInterfaces,
  };
}
