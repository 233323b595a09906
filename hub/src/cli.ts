import { runServerCli } from '@quantix/shared/server';
import { loadConfig, USAGE } from './config.ts';
import { serve } from './main.ts';

await runServerCli({ service: 'quantix-hub', usage: USAGE, loadConfig, serve });
