import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Username } from '@quantix/shared';
import { z } from 'zod';

/** The only module that reads argv and the environment. Everything is validated here, once. */

const Listen = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[0-9.]+|[a-zA-Z0-9.-]+):(\d{1,5})$/, 'expected ADDR:PORT, e.g. 127.0.0.1:8443')
  .transform((s) => {
    const i = s.lastIndexOf(':');
    return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(s.slice(i + 1)) };
  })
  .refine((l) => l.port <= 65535, 'port must be 0-65535');

/** One DNS name (RFC 1123 labels) or IP address, as a browser would put it in `Host`. */
const PublicName = z
  .string()
  .trim()
  .toLowerCase()
  .refine(
    (n) =>
      isIP(n) !== 0 ||
      /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/.test(
        n,
      ),
    'expected a host name or an IP address',
  );

const PublicNames = z
  .string()
  .transform((s) => s.split(',').filter((n) => n.trim() !== ''))
  .pipe(z.array(PublicName));

const ServeConfig = z.object({
  command: z.literal('serve'),
  listen: Listen,
  dataDir: z
    .string()
    .min(1)
    .transform((p) => resolve(p)),
  libvirtUri: z.string().min(1),
  tokenTtlSeconds: z.coerce.number().int().min(1).max(86_400),
  sessionIdleSeconds: z.coerce.number().int().min(10).max(86_400),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
  /** names the host is reached by besides its hostname, addresses and certificate names */
  publicNames: PublicNames,
  /** largest ISO upload accepted */
  uploadMaxBytes: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 50),
  /** bench only (QUANTIX_BENCH_TELEMETRY_INTERVAL_MS): a faster sampler fills the hour-long ring in a minute */
  telemetryIntervalMs: z.coerce.number().int().min(10).max(60_000).optional(),
});
export type ServeConfig = z.infer<typeof ServeConfig>;

const DataOnly = {
  dataDir: z
    .string()
    .min(1)
    .transform((p) => resolve(p)),
};
const CliConfig = z.discriminatedUnion('command', [
  ServeConfig,
  z.object({ command: z.literal('setup-code'), ...DataOnly }),
  z.object({ command: z.literal('token'), ...DataOnly }),
  z.object({ command: z.literal('passwd'), ...DataOnly, username: Username }),
  z.object({ command: z.literal('help') }),
]);
export type CliConfig = z.infer<typeof CliConfig>;

export const USAGE = `Usage:
  quantix-host serve [--listen ADDR:PORT] [--data DIR] [--libvirt URI] [--public-name NAME[,NAME]]
  quantix-host setup-code --data DIR
  quantix-host token --data DIR
  quantix-host passwd --data DIR --user NAME      (password read from stdin)

--public-name: DNS names or addresses the host is reached by that it cannot know itself (a DNS
name, a port forward's address). Requests naming anything else than these, the hostname,
localhost, the host's addresses and its certificate's names in Host are refused (421).

Environment: QUANTIX_LISTEN, QUANTIX_DATA, QUANTIX_LIBVIRT_URI, QUANTIX_PUBLIC_NAME,
QUANTIX_TOKEN_TTL_SECONDS, QUANTIX_SESSION_IDLE_SECONDS, QUANTIX_LOG_LEVEL,
QUANTIX_UPLOAD_MAX_BYTES. Options win over the environment.`;

export class ConfigError extends Error {}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        listen: { type: 'string' },
        data: { type: 'string' },
        libvirt: { type: 'string' },
        'public-name': { type: 'string' },
        user: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const command = values.help ? 'help' : (positionals[0] ?? 'help');
  const raw = {
    command,
    listen: values.listen ?? env.QUANTIX_LISTEN ?? '127.0.0.1:8443',
    dataDir: values.data ?? env.QUANTIX_DATA ?? '/var/lib/quantix-host',
    libvirtUri: values.libvirt ?? env.QUANTIX_LIBVIRT_URI ?? 'qemu:///system',
    publicNames: values['public-name'] ?? env.QUANTIX_PUBLIC_NAME ?? '',
    tokenTtlSeconds: env.QUANTIX_TOKEN_TTL_SECONDS ?? 3600,
    sessionIdleSeconds: env.QUANTIX_SESSION_IDLE_SECONDS ?? 1800,
    logLevel: env.QUANTIX_LOG_LEVEL ?? 'info',
    uploadMaxBytes: env.QUANTIX_UPLOAD_MAX_BYTES ?? 16 * 1024 ** 3,
    ...(env.QUANTIX_BENCH_TELEMETRY_INTERVAL_MS && {
      telemetryIntervalMs: env.QUANTIX_BENCH_TELEMETRY_INTERVAL_MS,
    }),
    username: values.user,
  };
  const r = CliConfig.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || 'command'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return r.data;
}
