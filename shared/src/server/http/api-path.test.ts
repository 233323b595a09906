import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalisesUnderApi } from './api-path.ts';

describe('normalisesUnderApi', () => {
  it('sees /api through repeated slashes, escapes, backslashes and dot segments', () => {
    for (const p of [
      '/api',
      '/api/v1/x',
      '//api/v1/x',
      '///api//v1/x',
      '/api%2fv1/x',
      '/api%2Fv1/x',
      '/API%2fV1/x',
      '/%61pi/v1/x',
      '/api%252fv1/x',
      '/./api/v1/x',
      '/ui/../api/v1/x',
      '/%2e/api/v1/x',
      '/\\api/v1/x',
      '/api%5cv1',
    ]) {
      assert.equal(normalisesUnderApi(p), true, p);
    }
  });

  it('leaves the UI routes alone', () => {
    for (const p of [
      '/',
      '/vms',
      '/apis',
      '/api-docs',
      '/apix/v1',
      '/assets/app.js',
      '/x/api/v1',
      '/api/../vms',
    ]) {
      assert.equal(normalisesUnderApi(p), false, p);
    }
  });
});
