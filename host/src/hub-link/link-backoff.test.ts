import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKOFF_MAX_MS, backoffDelay, REDIAL_AFTER_LOSS_MS, redialAfterLoss } from './link-backoff.ts';

describe('link backoff', () => {
  it('dials at once first, then about 1 s doubling to 30 s, each within ±50 %', () => {
    assert.equal(backoffDelay(0), 0);
    const mid = () => 0.5;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 20].map((a) => backoffDelay(a, mid)),
      [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
    );
    assert.equal(
      backoffDelay(1, () => 0),
      500,
    );
    assert.equal(
      backoffDelay(1, () => 0.999_999),
      1500,
    );
    assert.equal(
      backoffDelay(50, () => 0.999_999),
      Math.round(BACKOFF_MAX_MS * 1.5),
    );
  });

  it('spreads hosts that retry at the same attempt', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5)));
    assert.ok(delays.size > 20, `only ${delays.size} distinct delays`);
    for (const d of delays) assert.ok(d >= 8000 && d <= 24000, String(d));
  });

  it('spreads the first redial after a lost link evenly over 1–10 s, well inside the hub’s 15 s grace', () => {
    assert.equal(
      redialAfterLoss(() => 0),
      REDIAL_AFTER_LOSS_MS.min,
    );
    assert.equal(
      redialAfterLoss(() => 0.999_999),
      REDIAL_AFTER_LOSS_MS.max,
    );
    assert.ok(REDIAL_AFTER_LOSS_MS.max < 15_000);
    // a thousand hosts that lost a restarting hub together: no second takes much more than its share
    const perSecond = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const s = Math.floor(redialAfterLoss() / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    const busiest = Math.max(...perSecond.values());
    assert.ok(busiest < 200, `${busiest} hosts in one second`);
  });
});
