import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Built into host/dist/public and served by the host itself under a strict CSP
// (script-src 'self', style-src 'self'): no inline scripts or styles may be emitted.
export default defineConfig(({ command }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [preact({ prefreshEnabled: command === 'serve', devToolsEnabled: command === 'serve' })],
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
            // What two or more lazy pages share, in one chunk; noVNC has one importer and stays apart.
            { name: 'pages-common', test: /[\\/]ui[\\/]src[\\/]/, minShareCount: 2, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    // `npx vite --config host/ui/vite.config.ts` against a running host (self-signed, so secure: false).
    // The host checks Origin on writes and WebSockets, so present its own origin.
    proxy: {
      // ws: the VM console is a WebSocket under /api/v1/vms/:uuid/console
      '/api': { target: devTarget(), secure: false, changeOrigin: true, ws: true, headers: { origin: devTarget() } },
      '/socket.io': { target: devTarget(), secure: false, changeOrigin: true, ws: true, headers: { origin: devTarget() } },
    },
  },
}));

function devTarget(): string {
  return process.env.QUANTIX_DEV_TARGET ?? 'https://127.0.0.1:8443';
}
