import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { type BlockUsageReader, createBlockUsageReader, deviceUsage } from './device-usage.ts';

/** A host as recorded: sda partitioned (root, LVM PV), sdb a whole-disk ext4 mounted at /srv, sdc blank. */
function recordedHost(overrides: Partial<BlockUsageReader> = {}): BlockUsageReader {
  const parts: Record<string, string[]> = { sda: ['sda1', 'sda2', 'sda3'], sdb: [], sdc: [], vda: [] };
  const sigs: Record<string, string | null> = {
    sda: null,
    sda1: 'ext4',
    sda2: 'LVM2_member',
    sda3: 'swap',
    sdb: 'ext4',
    sdc: null,
    vda: 'ext4',
  };
  return {
    mounts: async () =>
      [
        '/dev/sda1 / ext4 rw 0 0',
        '/dev/sdb /srv\\040data ext4 rw 0 0',
        '/dev/vda / ext4 rw 0 0',
        'proc /proc proc rw 0 0',
      ].join('\n'),
    swaps: async () => 'Filename\tType\tSize\tUsed\tPriority\n/dev/sda3 partition 1024 0 -2\n',
    partitions: async (n) => parts[n] ?? [],
    holders: async (n) => (n === 'sda2' ? ['dm-0', 'dm-1'] : []),
    signature: async (n) => sigs[n] ?? null,
    kernelName: async (s) => basename(s),
    ...overrides,
  };
}

describe('deviceUsage', () => {
  it('counts a whole-disk filesystem mounted at / as in use (no partitions to look at)', async () => {
    const reasons = await deviceUsage('vda', recordedHost());
    assert.deepEqual(reasons, ['vda is mounted at /', 'vda has a ext4 filesystem']);
  });

  it('names every partition that is mounted, swap, an LVM PV with holders', async () => {
    const reasons = await deviceUsage('sda', recordedHost());
    assert.ok(reasons.includes('sda1 is mounted at /'));
    assert.ok(reasons.includes('sda3 is in use as swap'));
    assert.ok(reasons.includes('sda2 is held by dm-0, dm-1 (LVM, RAID or encryption)'));
    assert.ok(reasons.includes('sda2 is an LVM physical volume'));
    assert.deepEqual(await deviceUsage('sdb', recordedHost()), [
      'sdb is mounted at /srv data',
      'sdb has a ext4 filesystem',
    ]);
  });

  it('finds a blank disk unused, and a disk it cannot read in use', async () => {
    assert.deepEqual(await deviceUsage('sdc', recordedHost()), []);
    const unreadable = recordedHost({ signature: async () => new Error('Operation not permitted') });
    assert.deepEqual(await deviceUsage('sdc', unreadable), [
      'sdc could not be checked for data (Operation not permitted)',
    ]);
  });

  it('sees the disk under / as in use on this very machine', async (t) => {
    const root = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .find(([src, mnt]) => mnt === '/' && src?.startsWith('/dev/'));
    if (!root?.[0]) return t.skip('/ is not on a block device here (overlay or network root)');
    const reader = createBlockUsageReader();
    const dev = await reader.kernelName(root[0]);
    assert.ok(dev);
    // the whole disk behind it: the partition's parent, or the device itself
    const disk = existsSync(`/sys/class/block/${dev}/partition`)
      ? basename(realpathSync(`/sys/class/block/${dev}/..`))
      : dev;
    const reasons = await deviceUsage(disk, reader);
    assert.ok(
      reasons.some((r) => r.endsWith('is mounted at /')),
      reasons.join('; '),
    );
  });
});
