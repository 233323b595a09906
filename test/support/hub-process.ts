import { join } from 'node:path';
import type { CookieJar } from './https-client.ts';
import { REPO, type RunningServer, runCliOf, setupAdminOf, startServerProcess } from './server-process.ts';

export { ADMIN, tempDataDir } from './server-process.ts';
export const HUB_CLI = join(REPO, 'hub/dist/cli.js');
export type RunningHub = RunningServer;

/** Starts the real `quantix-hub serve` on 127.0.0.1, on a random port unless one is given. */
export function startHub(opts: {
  dataDir: string;
  env?: Record<string, string>;
  port?: number;
  args?: string[];
}): Promise<RunningHub> {
  return startServerProcess({ ...opts, cli: HUB_CLI, name: 'hub' });
}

/** Runs the hub's CLI, feeding stdin; resolves with exit code and output. */
export const runHubCli = (args: string[], stdin = '') => runCliOf(HUB_CLI, args, stdin);

/** Completes first-run setup through the CLI's setup code; returns the admin's cookie jar. */
export const setupHubAdmin = (hub: RunningHub): Promise<CookieJar> => setupAdminOf(HUB_CLI, hub);
