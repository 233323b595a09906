import { fileURLToPath } from 'node:url';
import { uiViteConfig } from '../../scripts/ui-vite-config.ts';

// See scripts/ui-vite-config.ts. `npx vite --config hub/ui/vite.config.ts` proxies to a running hub.
export default uiViteConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  name: 'hub',
  devTarget: process.env.QUANTIX_DEV_TARGET ?? 'https://127.0.0.1:9443',
});
