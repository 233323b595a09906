import { AccountCommandConfigs, loadServerConfig, ServeSettings } from '@quantix/shared/server';
import { z } from 'zod';

/** The only module of the hub that reads argv and the environment, validated here once. */

const ServeConfig = z.object({
  command: z.literal('serve'),
  ...ServeSettings,
  /** the https URL hosts and browsers reach the hub at, when not the listening address */
  publicUrl: z
    .url({ protocol: /^https$/, error: 'expected an https:// URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** adopt hosts at loopback addresses (127.0.0.0/8, ::1): `make run` and tests */
  allowLoopbackHosts: z.boolean({ error: 'QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS: expected 1 or 0' }),
  /** the limit of each request the hub makes to a host it adopts */
  adoptTimeoutMs: z.coerce
    .number({ error: 'expected seconds' })
    .min(1, 'at least 1 second')
    .max(60, 'at most 60 seconds')
    .transform((s) => Math.round(s * 1000)),
});
export type ServeConfig = z.infer<typeof ServeConfig>;

const CliConfig = z.discriminatedUnion('command', [ServeConfig, ...AccountCommandConfigs]);
export type CliConfig = z.infer<typeof CliConfig>;

/** `1`/`true`/`yes` or `0`/`false`/`no`/empty; anything else is refused (not read as false). */
const Flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => /^(1|true|yes|0|false|no|)$/.test(v), 'expected 1 or 0')
  .transform((v) => /^(1|true|yes)$/.test(v));

export const USAGE = `Usage:
  quantix-hub serve [--listen ADDR:PORT] [--data DIR] [--public-url URL]
                    [--allow-loopback-hosts] [--adopt-timeout SECONDS]
  quantix-hub setup-code --data DIR
  quantix-hub passwd --data DIR --user NAME      (password read from stdin)

--public-url: the https URL hosts and browsers reach the hub at (a DNS name, a port forward);
its host name is accepted in Host besides the hub's own names.
--allow-loopback-hosts: let the hub adopt hosts at 127.0.0.0/8 and ::1 (a host on the same machine).
--adopt-timeout: seconds each request to a host being adopted may take (default 10).

Environment: QUANTIX_HUB_LISTEN (default 127.0.0.1:9443), QUANTIX_HUB_DATA (default
/var/lib/quantix-hub), QUANTIX_HUB_PUBLIC_URL, QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS=1,
QUANTIX_HUB_ADOPT_TIMEOUT_SECONDS, QUANTIX_HUB_LOG_LEVEL. Options win over the environment.`;

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  return loadServerConfig({
    schema: CliConfig,
    argv,
    options: {
      'public-url': { type: 'string' },
      'allow-loopback-hosts': { type: 'boolean' },
      'adopt-timeout': { type: 'string' },
    },
    env: { listen: env.QUANTIX_HUB_LISTEN, data: env.QUANTIX_HUB_DATA, logLevel: env.QUANTIX_HUB_LOG_LEVEL },
    defaults: { listen: '127.0.0.1:9443', data: '/var/lib/quantix-hub' },
    extra: (values) => {
      const publicUrl = values['public-url'] ?? env.QUANTIX_HUB_PUBLIC_URL;
      const loopback = Flag.safeParse(env.QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS ?? '');
      return {
        ...(publicUrl ? { publicUrl } : {}),
        // a bad variable is reported with the other bad values (a string where a boolean belongs)
        allowLoopbackHosts:
          values['allow-loopback-hosts'] === true ||
          (loopback.success
            ? loopback.data
            : `QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS=${env.QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS}`),
        adoptTimeoutMs: values['adopt-timeout'] ?? env.QUANTIX_HUB_ADOPT_TIMEOUT_SECONDS ?? 10,
      };
    },
  });
}
