import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPaths, niceBytesCeil, niceCeil, toXY, type Viewport } from './chart-scale.ts';

test('niceCeil rounds up to 1, 2, 5 × 10^n', () => {
  assert.equal(niceCeil(0), 1);
  assert.equal(niceCeil(0.3, 0.1), 0.5);
  assert.equal(niceCeil(1), 1);
  assert.equal(niceCeil(1.1), 2);
  assert.equal(niceCeil(3), 5);
  assert.equal(niceCeil(7), 10);
  assert.equal(niceCeil(120), 200);
  assert.equal(niceCeil(501), 1000);
  assert.equal(niceCeil(Number.NaN), 1);
});

test('niceBytesCeil works in 1024-based units with a floor', () => {
  assert.equal(niceBytesCeil(0), 1024);
  assert.equal(niceBytesCeil(1500), 2 * 1024);
  assert.equal(niceBytesCeil(3 * 1024 * 1024), 5 * 1024 * 1024);
  assert.equal(niceBytesCeil(600 * 1024), 1024 * 1024);
  assert.equal(niceBytesCeil(1023 * 1024), 1024 * 1024);
  assert.equal(niceBytesCeil(10), 1024);
  assert.equal(niceBytesCeil(10, 1), 10);
});

const vp: Viewport = { t0: 0, t1: 1000, max: 100, width: 300, height: 100 };

test('toXY maps time to x and value to y (0 at the bottom), clamped', () => {
  assert.deepEqual(toXY({ t: 0, v: 0 }, vp), [0, 100]);
  assert.deepEqual(toXY({ t: 1000, v: 100 }, vp), [300, 0]);
  assert.deepEqual(toXY({ t: 500, v: 25 }, vp), [150, 75]);
  assert.deepEqual(toXY({ t: 500, v: 250 }, vp), [150, 0]);
  assert.deepEqual(toXY({ t: 500, v: 1 }, { ...vp, max: 0 }), [150, 100]);
});

test('buildPaths draws a line and a closed area', () => {
  const { line, area } = buildPaths(
    [
      { t: 0, v: 0 },
      { t: 500, v: 50 },
    ],
    vp,
    2000,
  );
  assert.equal(line, 'M0,100L150,50');
  assert.equal(area, 'M0,100L0,100L150,50L150,100Z');
});

test('buildPaths breaks the line at gaps', () => {
  const { line } = buildPaths(
    [
      { t: 0, v: 0 },
      { t: 100, v: 0 },
      { t: 900, v: 0 },
    ],
    vp,
    500,
  );
  assert.equal(line, 'M0,100L30,100M270,100');
});

test('buildPaths with no points is empty', () => {
  assert.deepEqual(buildPaths([], vp, 1000), { line: '', area: '' });
});
