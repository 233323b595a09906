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
});
export type ServeConfig = z.infer<typeof ServeConfig>;

const CliConfig = z.discriminatedUnion('command', [ServeConfig, ...AccountCommandConfigs]);
export type CliConfig = z.infer<typeof CliConfig>;

export const USAGE = `Usage:
  quantix-hub serve [--listen ADDR:PORT] [--data DIR] [--public-url URL]
  quantix-hub setup-code --data DIR
  quantix-hub passwd --data DIR --user NAME      (password read from stdin)

--public-url: the https URL hosts and browsers reach the hub at (a DNS name, a port forward);
its host name is accepted in Host besides the hub's own names.

Environment: QUANTIX_HUB_LISTEN (default 127.0.0.1:9443), QUANTIX_HUB_DATA (default
/var/lib/quantix-hub), QUANTIX_HUB_PUBLIC_URL, QUANTIX_HUB_LOG_LEVEL. Options win over the environment.`;

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  return loadServerConfig({
    schema: CliConfig,
    argv,
    options: { 'public-url': { type: 'string' } },
    env: { listen: env.QUANTIX_HUB_LISTEN, data: env.QUANTIX_HUB_DATA, logLevel: env.QUANTIX_HUB_LOG_LEVEL },
    defaults: { listen: '127.0.0.1:9443', data: '/var/lib/quantix-hub' },
    extra: (values) => {
      const publicUrl = values['public-url'] ?? env.QUANTIX_HUB_PUBLIC_URL;
      return publicUrl ? { publicUrl } : {};
    },
  });
}
