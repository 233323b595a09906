import { JoinHubResult, MintedToken } from '@quantix/shared';
import { controlOf, runServerCli } from '@quantix/shared/server';
import { loadConfig, USAGE } from './config.ts';
import { serve } from './main.ts';

await runServerCli({
  service: 'quantix-host',
  usage: USAGE,
  loadConfig,
  serve,
  // the host's own commands: mint a registration token for a hub; join a hub by its qxh1. string;
  // the appliance's console on tty1 / ttyS0
  other: async (config, out) => {
    if (config.command === 'console') {
      // loaded only here: `serve` never evaluates the console (nor its QR code library)
      const { runConsole } = await import('./console/run-console.ts');
      await runConsole(config);
      process.exit(0);
    } else if (config.command === 'token') {
      const t = MintedToken.parse(await controlOf(config.dataDir, 'quantix-host')({ cmd: 'token' }));
      out(`token:   ${t.token}`);
      out(`expires: ${t.expiresAt}`);
      out(`join:    ${t.join}`);
    } else if (config.command === 'join-hub') {
      // the running server dials the hub and keeps the link; the CLI only says how it went
      const r = JoinHubResult.parse(
        await controlOf(config.dataDir, 'quantix-host')({ cmd: 'join-hub', enrollment: config.enrollment }),
      );
      out(
        r.already ? `already joined hub ${r.hubName} (${r.hubUrl})` : `joined hub ${r.hubName} (${r.hubUrl})`,
      );
      out(`hub id:  ${r.hubId}`);
    }
  },
});
