import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMiB } from './format-bytes.ts';
import { GiB, parseGiB } from './parse-size.ts';
import { checkUploadFile, describeUpload, uploadEta, uploadPercent, uploadRate } from './upload-progress.ts';

test('percent is whole, clamped, and 100 only at the last byte', () => {
  assert.equal(uploadPercent(0, 100), 0);
  assert.equal(uploadPercent(50, 200), 25);
  assert.equal(uploadPercent(999, 1000), 99);
  assert.equal(uploadPercent(1000, 1000), 100);
  assert.equal(uploadPercent(2000, 1000), 100);
  assert.equal(uploadPercent(10, 0), 0);
});

test('rate and time left from the average so far', () => {
  assert.equal(uploadRate(1000, 100), null, 'too early to say');
  assert.equal(uploadRate(10 * 1024 * 1024, 2000), 5 * 1024 * 1024);
  assert.equal(uploadEta(10, 30, 2000), 4);
  assert.equal(uploadEta(0, 30, 2000), null);
});

test('the progress line', () => {
  assert.equal(describeUpload(0, 2 * GiB, 0), '0% — 0 B of 2.00 GiB');
  assert.equal(describeUpload(GiB / 2, 2 * GiB, 5000), '25% — 512 MiB of 2.00 GiB · 102 MiB/s · 15s left');
  assert.match(describeUpload(100, 100, 1000), /^100% .* finishing on the host…$/);
});

test('only non-empty ISO and disk images may be uploaded', () => {
  assert.equal(checkUploadFile({ name: 'debian.iso', size: 5 }), null);
  assert.equal(checkUploadFile({ name: 'DEBIAN.ISO', size: 5 }), null);
  assert.equal(checkUploadFile({ name: 'disk.qcow2', size: 5 }), null);
  assert.equal(checkUploadFile({ name: 'cloud.img', size: 5 }), null);
  assert.match(checkUploadFile({ name: 'disk.vmdk', size: 5 }) ?? '', /not an ISO or disk image/);
  assert.match(checkUploadFile({ name: 'x.iso', size: 0 }) ?? '', /empty/);
});

test('sizes in MiB and GiB', () => {
  assert.equal(formatMiB(2048), '2.00 GiB');
  assert.equal(formatMiB(null), '—');
  assert.equal(parseGiB('2'), 2);
});
