import assert from 'node:assert/strict';
import { test } from 'node:test';
import { skippedVolumeText, volumeFileName } from './skipped-volumes.ts';

test('a skipped volume is named by its file and says why', () => {
  assert.equal(
    skippedVolumeText({
      key: '/var/lib/libvirt/images/g.img',
      reason: "Storage volume not found: no storage vol with matching path '/var/lib/libvirt/images/g.img'.",
    }),
    "g.img could not be read: Storage volume not found: no storage vol with matching path '/var/lib/libvirt/images/g.img'",
  );
  assert.equal(
    skippedVolumeText({ key: 'vg0/lv1', reason: ' ' }),
    'lv1 could not be read: libvirt gave no reason',
  );
  assert.equal(volumeFileName('plain-key'), 'plain-key');
  assert.equal(volumeFileName('/pool/dir/'), 'dir');
});
