import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Username } from '@quantix/shared';
import { z } from 'zod';

/** Schemas and parsing every server's config.ts shares; only config.ts modules call these. */

export const ListenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[0-9.]+|[a-zA-Z0-9.-]+):(\d{1,5})$/, 'expected ADDR:PORT, e.g. 127.0.0.1:8443')
  .transform((s) => {
    const i = s.lastIndexOf(':');
    return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(s.slice(i + 1)) };
  })
  .refine((l) => l.port <= 65535, 'port must be 0-65535');

export const DataDirPath = z
  .string()
  .min(1)
  .transform((p) => resolve(p));

export const LogLevelSetting = z.enum(['trace', 'debug', 'info', 'warn', 'error']);

export class ConfigError extends Error {}

/** argv through node's parseArgs (strict), as a ConfigError when it does not parse. */
export function parseCliArgs(argv: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    });
    const command = values.help ? 'help' : (positionals[0] ?? 'help');
    return { values: values as Record<string, string | boolean | undefined>, command, positionals };
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** Parses the raw settings, failing with every bad value listed. */
export function parseConfig<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || 'command'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return r.data;
}

/** The settings every `serve` has: where to listen, the data directory, the log level. */
export const ServeSettings = { listen: ListenAddress, dataDir: DataDirPath, logLevel: LogLevelSetting };

/** The commands every server's CLI has besides `serve`: the console's account commands and help. */
export const AccountCommandConfigs = [
  z.object({ command: z.literal('setup-code'), dataDir: DataDirPath }),
  z.object({ command: z.literal('passwd'), dataDir: DataDirPath, username: Username }),
  z.object({ command: z.literal('help') }),
] as const;

/**
 * A server's CLI configuration: `--listen`, `--data`, `--user` and `options`, each option winning
 * over its environment variable (`env`), then `defaults`; `extra` adds the server's own settings.
 * Fails with every bad value listed.
 */
export function loadServerConfig<S extends z.ZodType>(p: {
  schema: S;
  argv: string[];
  options?: NonNullable<ParseArgsConfig['options']>;
  env: { listen?: string | undefined; data?: string | undefined; logLevel?: string | undefined };
  defaults: { listen: string; data: string };
  /** the server's own settings; `positionals` are the words after the command's name */
  extra?: (
    values: Record<string, string | boolean | undefined>,
    positionals: string[],
  ) => Record<string, unknown>;
}): z.infer<S> {
  const { values, command, positionals } = parseCliArgs(p.argv, {
    listen: { type: 'string' },
    data: { type: 'string' },
    user: { type: 'string' },
    ...p.options,
  });
  return parseConfig(p.schema, {
    command,
    listen: values.listen ?? p.env.listen ?? p.defaults.listen,
    dataDir: values.data ?? p.env.data ?? p.defaults.data,
    logLevel: p.env.logLevel ?? 'info',
    username: values.user,
    ...p.extra?.(values, positionals.slice(1)),
  });
}
