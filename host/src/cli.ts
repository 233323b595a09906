import { AppError, type ControlRequest, MintedToken, SetupCodeInfo } from '@quantix/shared';
import { controlRequest } from '@quantix/shared/server';
import { join } from 'node:path';
import { type CliConfig, ConfigError, loadConfig, USAGE } from './config.ts';
import { serve } from './main.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** One request to the running server, over `<data>/control.sock`. */
function control(dataDir: string, req: ControlRequest): Promise<unknown> {
  return controlRequest(join(dataDir, 'control.sock'), req, 'quantix-host');
}

async function run(config: CliConfig): Promise<void> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  switch (config.command) {
    case 'help':
      out(USAGE);
      return;
    case 'serve':
      await serve(config, out);
      return;
    case 'setup-code': {
      const c = SetupCodeInfo.parse(await control(config.dataDir, { cmd: 'setup-code' }));
      out(c.code);
      out(`valid until ${c.expiresAt}, for one use`);
      return;
    }
    case 'token': {
      const t = MintedToken.parse(await control(config.dataDir, { cmd: 'token' }));
      out(`token:   ${t.token}`);
      out(`expires: ${t.expiresAt}`);
      out(`join:    ${t.join}`);
      return;
    }
    case 'passwd': {
      const password = await readStdin();
      await control(config.dataDir, { cmd: 'passwd', username: config.username, password });
      out(`password of ${config.username} changed; their sessions were ended`);
      return;
    }
  }
}

// `quantix-host setup-code | head -1` closes our stdout early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

try {
  await run(loadConfig(process.argv.slice(2), process.env));
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const code = err instanceof AppError ? `${err.code}: ` : '';
  process.stderr.write(`quantix-host: ${code}${(err as Error).message}\n`);
  process.exit(1);
}
