import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  niceBytesCeil,
  niceCeil,
  type PathSink,
  type Point,
  toXY,
  tracePath,
  type Viewport,
} from './chart-scale.ts';

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

/** Records a traced path as SVG-like text: `M0,100L150,50`. */
function record(points: Point[], gapMs: number, area = false): string {
  let out = '';
  const sink: PathSink = {
    moveTo: (x, y) => (out += `M${x},${y}`),
    lineTo: (x, y) => (out += `L${x},${y}`),
  };
  tracePath(
    points,
    (p) => p.t,
    (p) => p.v,
    vp,
    gapMs,
    sink,
    area,
  );
  return out;
}

const twoPoints = [
  { t: 0, v: 0 },
  { t: 500, v: 50 },
];
const withGap = [
  { t: 0, v: 0 },
  { t: 100, v: 0 },
  { t: 900, v: 20 },
];

test('tracePath draws a line through the points', () => {
  assert.equal(record(twoPoints, 2000), 'M0,100L150,50');
});

test('tracePath outlines the area under the line, down to the bottom edge', () => {
  assert.equal(record(twoPoints, 2000, true), 'M0,100L0,100L150,50L150,100');
});

test('tracePath breaks the line at gaps, and the area into one outline per run', () => {
  assert.equal(record(withGap, 500), 'M0,100L30,100M270,80');
  assert.equal(record(withGap, 500, true), 'M0,100L0,100L30,100L30,100M270,100L270,80L270,100');
});

test('tracePath with no points draws nothing', () => {
  assert.equal(record([], 1000), '');
  assert.equal(record([], 1000, true), '');
});
