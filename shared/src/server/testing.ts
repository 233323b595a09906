// @quantix/shared/server/testing: the kit's test helpers, for the tests of the host and the hub
// (never imported by anything that ships).
export * from './state/temp-root.test-helper.ts';
export * from './state/tmpfs.test-helper.ts';
export * from './app-error.test-helper.ts';
