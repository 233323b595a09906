import { MintedToken } from '@quantix/shared';
import { controlOf, runServerCli } from '@quantix/shared/server';
import { loadConfig, USAGE } from './config.ts';
import { serve } from './main.ts';

await runServerCli({
  service: 'quantix-host',
  usage: USAGE,
  loadConfig,
  serve,
  // the host's own command: mint a registration token for a hub
  other: async (config, out) => {
    if (config.command !== 'token') return;
    const t = MintedToken.parse(await controlOf(config.dataDir, 'quantix-host')({ cmd: 'token' }));
    out(`token:   ${t.token}`);
    out(`expires: ${t.expiresAt}`);
    out(`join:    ${t.join}`);
  },
});
