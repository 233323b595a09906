import assert from 'node:assert/strict';

/**
 * Resolves once `pred` holds, polling every 10 ms. The deadline is there to end a test that
 * really hangs, not to measure anything: loose enough that a busy machine never reaches it.
 */
export async function until(pred: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!pred()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
