// The Vite setup of a Quantix web UI (host/ui, hub/ui): the same output rules for both, since both
// are served by the server kit's static handler under the same strict CSP.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin, type UserConfigFnObject } from 'vite';

const SHARED_UI = new URL('../shared/src/ui/', import.meta.url);

/**
 * The page both UIs start from, shared/src/ui/index.html, with the UI's name: it replaces the
 * UI's own index.html (which Vite needs as its entry) before Vite reads the page's scripts.
 */
function sharedIndexHtml(name: 'host' | 'hub'): Plugin {
  const page = readFileSync(new URL('index.html', SHARED_UI), 'utf8').replace('%UI_NAME%', name);
  return { name: 'quantix-shared-index-html', transformIndexHtml: { order: 'pre', handler: () => page } };
}

/**
 * Built into `<server>/dist/public` and served by the server itself under a strict CSP
 * (script-src 'self', style-src 'self'): no inline scripts or styles may be emitted.
 * `devTarget`: the running server `vite` (dev) proxies the API and the socket to.
 */
export function uiViteConfig(opts: {
  root: string;
  /** which server's UI: its index.html says so */
  name: 'host' | 'hub';
  devTarget: string;
}): UserConfigFnObject {
  const { devTarget } = opts;
  return defineConfig(({ command }) => ({
    root: opts.root,
    base: '/',
    // the favicon both UIs show
    publicDir: fileURLToPath(new URL('public', SHARED_UI)),
    plugins: [
      sharedIndexHtml(opts.name),
      preact({ prefreshEnabled: command === 'serve', devToolsEnabled: command === 'serve' }),
    ],
    build: {
      outDir: '../dist/public',
      emptyOutDir: true,
      // the polyfill is an inline-able helper we don't need: every supported browser has modulepreload
      modulePreload: { polyfill: false },
      sourcemap: false,
      target: 'es2022',
      // index.html, favicon and assets/; the server hashes nothing itself
      assetsDir: 'assets',
      rolldownOptions: {
        output: {
          codeSplitting: {
            groups: [
              // Everything the first page needs in one file, not a dozen small ones (HTTP/1.1).
              { name: 'shell', tags: ['$initial'], priority: 2 },
              // What two or more lazy pages share, in one chunk: the UI's own code (host/ui/src,
              // hub/ui/src) and the shared shell (shared/src/ui). noVNC has one importer and stays apart.
              {
                name: 'pages-common',
                test: /[\\/](ui[\\/]src|src[\\/]ui)[\\/]/,
                minShareCount: 2,
                priority: 1,
              },
            ],
          },
        },
      },
    },
    server: {
      // `npx vite --config <server>/ui/vite.config.ts` against a running server (self-signed, so
      // secure: false). The server checks Origin on writes and WebSockets, so present its own origin.
      proxy: {
        // ws: the VM console is a WebSocket under /api/v1/vms/:uuid/console
        '/api': {
          target: devTarget,
          secure: false,
          changeOrigin: true,
          ws: true,
          headers: { origin: devTarget },
        },
        '/socket.io': {
          target: devTarget,
          secure: false,
          changeOrigin: true,
          ws: true,
          headers: { origin: devTarget },
        },
      },
    },
  }));
}
