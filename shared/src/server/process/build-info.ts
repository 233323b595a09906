/** Filled in by the build (esbuild `define`, scripts/build-server.mjs); running from source says so. */
declare const __QUANTIX_BUILD__: { version: string; commit: string; builtAt: string } | undefined;

export const BUILD =
  typeof __QUANTIX_BUILD__ === 'undefined'
    ? { version: '0.0.0-dev', commit: 'source', builtAt: 'unbuilt' }
    : __QUANTIX_BUILD__;
