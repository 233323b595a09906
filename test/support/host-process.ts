import { join } from 'node:path';
import type { CookieJar } from './https-client.ts';
import { REPO, type RunningServer, runCliOf, setupAdminOf, startServerProcess } from './server-process.ts';

export { ADMIN, REPO, tempDataDir } from './server-process.ts';
export const HOST_CLI = join(REPO, 'host/dist/cli.js');
export type RunningHost = RunningServer;

/** Starts the real `quantix-host serve` on 127.0.0.1 (libvirt's test driver), on a random port unless one is given. */
export function startHost(opts: {
  dataDir: string;
  env?: Record<string, string>;
  port?: number;
  /** a command that execs the host (nsenter into a namespace): its pid stays the host's */
  wrap?: string[];
}): Promise<RunningHost> {
  return startServerProcess({
    ...opts,
    cli: HOST_CLI,
    name: 'host',
    env: {
      QUANTIX_LIBVIRT_URI: 'test:///default',
      // no boot id: a test host never starts other tests' VMs that have a start order (a test of
      // the ordered start names its own file)
      QUANTIX_BOOT_ID_FILE: join(opts.dataDir, 'no-boot-id'),
      ...opts.env,
    },
  });
}

/** Runs the host's CLI, feeding stdin; resolves with exit code and output. */
export const runCli = (args: string[], stdin = '') => runCliOf(HOST_CLI, args, stdin);

/** Completes first-run setup through the CLI's setup code; returns the admin's cookie jar. */
export const setupAdmin = (host: RunningHost): Promise<CookieJar> => setupAdminOf(HOST_CLI, host);
