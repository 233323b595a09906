import { join } from 'node:path';
import { AppError, type AuthControlRequest, SetupCodeInfo } from '@quantix/shared';
import { controlRequest } from '../control/control-client.ts';
import { ConfigError } from './server-config.ts';

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** One request to the running server, over `<data>/control.sock`. */
export function controlOf(dataDir: string, service: string) {
  return <R extends { cmd: string }>(req: R): Promise<unknown> =>
    controlRequest(join(dataDir, 'control.sock'), req, service);
}

/** The console's account commands every server has: print the setup code, set a password. */
export async function runAuthCommand(
  c: { command: AuthControlRequest['cmd']; dataDir: string; username?: string },
  service: string,
  out: (line: string) => void,
): Promise<void> {
  const control = controlOf(c.dataDir, service);
  if (c.command === 'setup-code') {
    const code = SetupCodeInfo.parse(await control({ cmd: 'setup-code' }));
    out(code.code);
    out(`valid until ${code.expiresAt}, for one use`);
    return;
  }
  const password = await readStdin();
  await control({ cmd: 'passwd', username: c.username, password });
  out(`password of ${c.username} changed; their sessions were ended`);
}

/**
 * A server's CLI: `help`, `serve`, the account commands, and `other` for the server's own; a bad
 * configuration exits 2 with the usage, any other failure 1.
 */
export async function runServerCli<C extends { command: string }>(p: {
  service: string;
  usage: string;
  loadConfig: (argv: string[], env: NodeJS.ProcessEnv) => C;
  serve: (config: Extract<C, { command: 'serve' }>, out: (line: string) => void) => Promise<void>;
  other?: (config: C, out: (line: string) => void) => Promise<void>;
}): Promise<void> {
  // `quantix-host setup-code | head -1` closes our stdout early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    const config = p.loadConfig(process.argv.slice(2), process.env);
    if (config.command === 'help') out(p.usage);
    else if (config.command === 'serve') await p.serve(config as Extract<C, { command: 'serve' }>, out);
    else if (config.command === 'setup-code' || config.command === 'passwd')
      await runAuthCommand(config as unknown as Parameters<typeof runAuthCommand>[0], p.service, out);
    else await p.other?.(config, out);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n\n${p.usage}\n`);
      process.exit(2);
    }
    const code = err instanceof AppError ? `${err.code}: ` : '';
    process.stderr.write(`${p.service}: ${code}${(err as Error).message}\n`);
    process.exit(1);
  }
}
