import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { decodeEnrollment } from '@quantix/shared';
import {
  AccountCommandConfigs,
  ConfigError,
  DataDirPath,
  loadServerConfig,
  ServeSettings,
} from '@quantix/shared/server';
import { z } from 'zod';

/** The only module that reads argv and the environment. Everything is validated here, once. */

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

/** A `qxh1.` string from the hub (the ISO's kernel parameter, `quantix-host join-hub`). */
const EnrollmentString = z
  .string()
  .trim()
  .refine((s) => decodeEnrollment(s) !== null, 'expected a qxh1. enrollment string from the hub');

const ServeConfig = z.object({
  command: z.literal('serve'),
  ...ServeSettings,
  libvirtUri: z.string().min(1),
  tokenTtlSeconds: z.coerce.number().int().min(1).max(86_400),
  sessionIdleSeconds: z.coerce.number().int().min(10).max(86_400),
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
  /** join this hub at start (once; nothing happens when the host is already linked to it) */
  joinHub: EnrollmentString.optional(),
  /** the image's BUILD_INFO.json: its version and commit are what ping and the About page report */
  buildInfo: z
    .string()
    .min(1)
    .transform((p) => resolve(p))
    .optional(),
  /** a new id at every machine boot: VMs with a start order are started once per id (tests name a file) */
  bootIdFile: z
    .string()
    .min(1)
    .transform((p) => resolve(p)),
  /** a D-Bus address where libvirt-dbus already answers (tests: libvirt's test driver outlives the host) */
  libvirtBus: z.string().startsWith('unix:').optional(),
});
export type ServeConfig = z.infer<typeof ServeConfig>;

const CliConfig = z.discriminatedUnion('command', [
  ServeConfig,
  z.object({ command: z.literal('token'), dataDir: DataDirPath }),
  z.object({ command: z.literal('join-hub'), dataDir: DataDirPath, enrollment: EnrollmentString }),
  z.object({
    command: z.literal('console'),
    dataDir: DataDirPath,
    /** exists while the system runs live from the ISO (live-boot's mount of the boot medium) */
    liveMedium: z.string().min(1),
  }),
  ...AccountCommandConfigs,
]);
export type CliConfig = z.infer<typeof CliConfig>;

export const USAGE = `Usage:
  quantix-host serve [--listen ADDR:PORT] [--data DIR] [--libvirt URI] [--public-name NAME[,NAME]]
  quantix-host setup-code --data DIR
  quantix-host token --data DIR
  quantix-host join-hub qxh1.… --data DIR
  quantix-host passwd --data DIR --user NAME      (password read from stdin)
  quantix-host console [--data DIR]                (the appliance's text console on tty1 / ttyS0)

--public-name: DNS names or addresses the host is reached by that it cannot know itself (a DNS
name, a port forward's address). Requests naming anything else than these, the hostname,
localhost, the host's addresses and its certificate's names in Host are refused (421).

join-hub: joins the hub that minted the qxh1. enrollment string (the host dials it, with the
hub's key pinned, and stays linked). --join-hub / QUANTIX_JOIN_HUB does the same at start (once;
nothing happens when the host already belongs to that hub), as the installer's kernel parameter.

--build-info FILE / QUANTIX_BUILD_INFO: the image's BUILD_INFO.json; its version and commit are
what ping and the About page report. A named file that is missing or invalid stops the start.

--boot-id-file FILE / QUANTIX_BOOT_ID_FILE: where the machine's boot id is read (default
/proc/sys/kernel/random/boot_id). VMs with a start order are started once per boot id.

console: the full-screen banner and menu of the appliance (like ESXi's DCUI). It talks to the
running server over the data directory's control socket and says so when the server is down.

Environment: QUANTIX_LISTEN, QUANTIX_DATA, QUANTIX_LIBVIRT_URI, QUANTIX_PUBLIC_NAME,
QUANTIX_TOKEN_TTL_SECONDS, QUANTIX_SESSION_IDLE_SECONDS, QUANTIX_LOG_LEVEL,
QUANTIX_UPLOAD_MAX_BYTES, QUANTIX_JOIN_HUB, QUANTIX_BUILD_INFO, QUANTIX_BOOT_ID_FILE,
QUANTIX_LIBVIRT_BUS (a D-Bus address where libvirt-dbus already answers; tests), QUANTIX_LIVE_MEDIUM (console; default
/run/live/medium). Options win over the environment.`;

export { ConfigError };

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  return loadServerConfig({
    schema: CliConfig,
    argv,
    options: {
      libvirt: { type: 'string' },
      'public-name': { type: 'string' },
      'join-hub': { type: 'string' },
      'build-info': { type: 'string' },
      'boot-id-file': { type: 'string' },
    },
    env: { listen: env.QUANTIX_LISTEN, data: env.QUANTIX_DATA, logLevel: env.QUANTIX_LOG_LEVEL },
    defaults: { listen: '127.0.0.1:8443', data: '/var/lib/quantix-host' },
    extra: (values, positionals) => ({
      libvirtUri: values.libvirt ?? env.QUANTIX_LIBVIRT_URI ?? 'qemu:///system',
      publicNames: values['public-name'] ?? env.QUANTIX_PUBLIC_NAME ?? '',
      tokenTtlSeconds: env.QUANTIX_TOKEN_TTL_SECONDS ?? 3600,
      sessionIdleSeconds: env.QUANTIX_SESSION_IDLE_SECONDS ?? 1800,
      uploadMaxBytes: env.QUANTIX_UPLOAD_MAX_BYTES ?? 16 * 1024 ** 3,
      ...(env.QUANTIX_BENCH_TELEMETRY_INTERVAL_MS && {
        telemetryIntervalMs: env.QUANTIX_BENCH_TELEMETRY_INTERVAL_MS,
      }),
      ...((values['join-hub'] ?? env.QUANTIX_JOIN_HUB) && {
        joinHub: values['join-hub'] ?? env.QUANTIX_JOIN_HUB,
      }),
      ...((values['build-info'] ?? env.QUANTIX_BUILD_INFO) && {
        buildInfo: values['build-info'] ?? env.QUANTIX_BUILD_INFO,
      }),
      ...(env.QUANTIX_LIBVIRT_BUS && { libvirtBus: env.QUANTIX_LIBVIRT_BUS }),
      bootIdFile: values['boot-id-file'] ?? env.QUANTIX_BOOT_ID_FILE ?? '/proc/sys/kernel/random/boot_id',
      liveMedium: env.QUANTIX_LIVE_MEDIUM ?? '/run/live/medium',
      // join-hub's string, the word after the command
      ...(positionals[0] !== undefined && { enrollment: positionals[0] }),
    }),
  });
}
