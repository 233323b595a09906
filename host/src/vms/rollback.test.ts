import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { rollBack, rolledBack, withLeftovers } from './rollback.ts';

describe('rollBack', () => {
  it('runs every step, also after one fails, and names the ones that failed', async () => {
    const ran: string[] = [];
    const failed = await rollBack([
      { what: 'VM "x" could not be undefined', run: async () => ran.push('undefine') },
      {
        what: 'volume "x-disk0.img" in pool "p" could not be deleted',
        run: async () => {
          ran.push('delete disk0');
          throw new AppError('LIBVIRT_ERROR', 'permission denied');
        },
      },
      {
        what: 'volume "x-disk1.img" in pool "p" could not be deleted',
        run: async () => ran.push('delete disk1'),
      },
    ]);
    assert.deepEqual(ran, ['undefine', 'delete disk0', 'delete disk1']);
    assert.deepEqual(failed, ['volume "x-disk0.img" in pool "p" could not be deleted: permission denied']);
    assert.equal(
      rolledBack(failed),
      'rolled back, except: volume "x-disk0.img" in pool "p" could not be deleted: permission denied',
    );
    assert.equal(rolledBack([]), 'rolled back');
  });

  it('keeps the original error when nothing is left, else its code with the leftovers named', () => {
    const err = new AppError('IMAGE_REFUSED', 'the image is encrypted', { details: { a: 1 } });
    assert.equal(withLeftovers(err, []), err);
    const named = withLeftovers(err, ['volume "v" in pool "p" could not be deleted: busy']);
    assert.ok(named instanceof AppError);
    assert.equal(named.code, 'IMAGE_REFUSED');
    assert.equal(
      named.message,
      'the image is encrypted (rolled back, except: volume "v" in pool "p" could not be deleted: busy)',
    );
    assert.deepEqual(named.details, {
      a: 1,
      leftovers: ['volume "v" in pool "p" could not be deleted: busy'],
    });
    assert.equal(named.cause, err);
    const plain = withLeftovers(new Error('boom'), ['x: y']);
    assert.ok(plain instanceof AppError);
    assert.equal(plain.code, 'INTERNAL');
  });
});
