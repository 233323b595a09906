import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs one full garbage collection once the host has started and gone idle. Start-up (parsing the
 * bundle, building schemas, loading state, TLS setup) leaves ~10 MB of garbage that V8 would
 * otherwise keep mapped until load arrives; an idle appliance should not carry it. One-off: the
 * `gc` function is taken and the flag switched off again at once.
 */
export function settleHeap(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  setFlagsFromString('--no-expose-gc');
  if (typeof gc === 'function') gc();
}
