import { runAuthCommand, runCliMain } from '@quantix/shared/server';
import { type CliConfig, loadConfig, USAGE } from './config.ts';
import { serve } from './main.ts';

async function run(config: CliConfig, out: (line: string) => void): Promise<void> {
  switch (config.command) {
    case 'help':
      out(USAGE);
      return;
    case 'serve':
      await serve(config, out);
      return;
    case 'setup-code':
    case 'passwd':
      await runAuthCommand(config, 'quantix-hub', out);
      return;
  }
}

await runCliMain({
  service: 'quantix-hub',
  usage: USAGE,
  load: () => loadConfig(process.argv.slice(2), process.env),
  run,
});
