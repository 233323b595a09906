import { fileURLToPath } from 'node:url';
import { uiViteConfig } from '../../scripts/ui-vite-config.ts';

// See scripts/ui-vite-config.ts. `npx vite --config host/ui/vite.config.ts` proxies to a running host.
export default uiViteConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  name: 'host',
  devTarget: process.env.QUANTIX_DEV_TARGET ?? 'https://127.0.0.1:8443',
});
