import assert from 'node:assert/strict';
import { AppError } from '@quantix/shared';

/** Asserts that `p` rejects with an AppError of `code` (and, if given, a message matching `message`). */
export const rejectsWith = (p: Promise<unknown>, code: string, message?: RegExp): Promise<void> =>
  assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
