import assert from 'node:assert/strict';
import { test } from 'node:test';
import { virtualizationLine } from './virtualization.ts';

test('KVM usable is what counts: a nested host without flags still says so', () => {
  assert.deepEqual(virtualizationLine({ kvm: true, virtualization: [] }), {
    tone: 'ok',
    badge: 'KVM available',
    text: '/dev/kvm works; the CPU flags do not show VT-x/AMD-V (as in a nested VM).',
  });
  assert.equal(virtualizationLine({ kvm: true, virtualization: ['vmx'] }).text, 'Intel VT-x (vmx)');
});

test('without /dev/kvm: flags mean the module or firmware, none means emulation', () => {
  const flagsOnly = virtualizationLine({ kvm: false, virtualization: ['svm'] });
  assert.equal(flagsOnly.tone, 'warning');
  assert.equal(flagsOnly.badge, 'KVM not available');
  assert.match(flagsOnly.text, /AMD-V \(svm\), but \/dev\/kvm is missing/);
  const none = virtualizationLine({ kvm: false, virtualization: [] });
  assert.equal(none.tone, 'error');
  assert.match(none.text, /software emulation/);
});
