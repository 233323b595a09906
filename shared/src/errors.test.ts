import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, ERROR_CODES, ErrorBody, ErrorCode, HTTP_STATUS } from './errors.ts';

describe('error codes', () => {
  it('map every code, and nothing else, to an HTTP error status', () => {
    assert.deepEqual(Object.keys(HTTP_STATUS).sort(), [...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      const status = HTTP_STATUS[code];
      assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code} -> ${status}`);
    }
  });

  it('are a closed list', () => {
    assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
    assert.equal(ErrorCode.safeParse('TOKEN_INVALID').success, true);
    assert.equal(ErrorCode.safeParse('SOMETHING_ELSE').success, false);
  });

  it('give the statuses the protocol promises for the auth and state codes', () => {
    assert.equal(HTTP_STATUS.VALIDATION_FAILED, 400);
    assert.equal(HTTP_STATUS.UNAUTHENTICATED, 401);
    assert.equal(HTTP_STATUS.TOKEN_MISSING, 401);
    assert.equal(HTTP_STATUS.TOKEN_INVALID, 401);
    assert.equal(HTTP_STATUS.TOKEN_EXPIRED, 401);
    assert.equal(HTTP_STATUS.RATE_LIMITED, 429);
    assert.equal(HTTP_STATUS.INTERNAL, 500);
  });
});

describe('AppError', () => {
  it('carries its code, status, cause and details', () => {
    const cause = new Error('disk full');
    const err = new AppError('STATE_CORRUPT', 'state.json is unreadable', { cause, details: { file: 'x' } });
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'AppError');
    assert.equal(err.code, 'STATE_CORRUPT');
    assert.equal(err.status, 500);
    assert.equal(err.message, 'state.json is unreadable');
    assert.equal(err.cause, cause);
    assert.deepEqual(err.details, { file: 'x' });
  });

  it('has no cause or details unless given', () => {
    const err = new AppError('NOT_FOUND', 'no such thing');
    assert.equal('cause' in err, false);
    assert.equal(err.details, undefined);
    assert.equal(err.status, 404);
  });

  it('serialises to exactly { error: { code, message } }', () => {
    for (const code of ERROR_CODES) {
      const body = new AppError(code, `message for ${code}`, {
        details: { secret: 'not in the body' },
      }).toBody();
      assert.deepEqual(body, { error: { code, message: `message for ${code}` } });
      assert.deepEqual(ErrorBody.parse(body), body);
    }
  });
});

describe('PROTOCOL.md', () => {
  it('lists exactly the codes of ERROR_CODES, each with its HTTP status', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../PROTOCOL.md', import.meta.url), 'utf8');
    const section = doc.slice(
      doc.indexOf('## Error codes'),
      doc.indexOf('\n## ', doc.indexOf('## Error codes') + 3),
    );
    const rows = [...section.matchAll(/^\| ([A-Z_]+) \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    assert.deepEqual(rows.map(([c]) => c).sort(), [...ERROR_CODES].sort());
    for (const [code, status] of rows) assert.equal(status, HTTP_STATUS[code as ErrorCode], String(code));
  });
});
