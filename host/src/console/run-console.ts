import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { controlOf } from '@quantix/shared/server';
import { createConsoleApp } from './console-app.ts';
import { createConsoleControl, createServiceView } from './console-control.ts';
import { readHostAddresses } from './host-addresses.ts';
import { readNetInterfaces } from './net-interfaces.ts';
import { terminalQr } from './qr-code.ts';
import { createCommandRunner, createSystemActions } from './system-actions.ts';
import { createTerminal } from './terminal.ts';

const POLL_MS = 2000;
/** a status that takes longer counts as "does not answer" (the server starting, or hung) */
const STATUS_TIMEOUT_MS = 3000;

/**
 * The composition root of `quantix-host console`: the terminal on stdin/stdout, the server's
 * control socket in `dataDir`, the real system actions. Resolves when the input ends; SIGTERM and
 * SIGHUP (the tty hung up) end the process with 0.
 */
export async function runConsole(config: { dataDir: string; liveMedium: string }): Promise<void> {
  const term = createTerminal({ input: process.stdin, output: process.stdout });
  const bye = () => {
    term.close();
    process.exit(0);
  };
  process.on('SIGTERM', bye);
  process.on('SIGHUP', bye);
  // Ctrl-C is a key in raw mode; while a program has the terminal (the shell, the installer) its
  // Ctrl-C and Ctrl-\ reach us too, and must end only that program
  process.on('SIGINT', () => undefined);
  process.on('SIGQUIT', () => undefined);

  const control = createConsoleControl(controlOf(config.dataDir, 'quantix-host'));
  const app = createConsoleApp({
    term,
    control,
    service: createServiceView({
      control,
      timeoutMs: STATUS_TIMEOUT_MS,
      local: async () => ({ hostname: hostname(), addresses: await readHostAddresses() }),
    }),
    actions: createSystemActions({
      run: createCommandRunner(),
      networkDir: '/etc/systemd/network',
      listInterfaces: () => readNetInterfaces(),
    }),
    live: () => existsSync(config.liveMedium),
    qr: terminalQr,
    pollMs: POLL_MS,
  });
  await app.run();
  term.close();
}
