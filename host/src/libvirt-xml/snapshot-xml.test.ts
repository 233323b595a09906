import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SnapshotCreateRequest } from '@quantix/shared';
import {
  fixture,
  validationFailure,
  validateWithSchema,
  validatorMissing,
  virshMissing,
  virshRoundTrip,
} from './libvirt-check.test-helper.ts';
import { buildSnapshotXml, parseSnapshotXml } from './snapshot-xml.ts';

const SNAP: SnapshotCreateRequest = {
  name: 'before-upgrade',
  description: 'x </description><state>crashed</state> & "y"',
};

describe('parseSnapshotXml', () => {
  it("reads the test driver's snapshot, not the domain inside it", () => {
    assert.deepEqual(parseSnapshotXml(fixture('test-snapshot.xml')), {
      name: 's1',
      description: 'before <upgrade> & "reboot"',
      createdAt: '2026-11-26T21:13:36.000Z',
      state: 'running',
      parent: 'base',
    });
  });

  it('maps unknown states and a missing description', () => {
    const s = parseSnapshotXml(
      '<domainsnapshot><name>a</name><state>nostate</state><creationTime>0</creationTime></domainsnapshot>',
    );
    assert.deepEqual(
      [s.state, s.description, s.createdAt, s.parent],
      ['unknown', '', '1970-01-01T00:00:00.000Z', null],
    );
  });
});

describe('buildSnapshotXml', () => {
  it('keeps markup in the description as text', () => {
    const xml = buildSnapshotXml(SNAP);
    assert.doesNotMatch(xml, /<state>/);
    assert.equal(parseSnapshotXml(xml).description, SNAP.description);
    assert.doesNotMatch(buildSnapshotXml({ name: 'plain' }), /description/);
  });

  it('rejects a name carrying markup', () => {
    assert.throws(() => buildSnapshotXml({ name: 's</name><name>t' }), validationFailure);
  });
});

describe('snapshot XML accepted by libvirt', () => {
  it('passes the domainsnapshot schema', { skip: validatorMissing }, async () => {
    assert.match(await validateWithSchema(buildSnapshotXml(SNAP), 'domainsnapshot'), /validates/);
  });

  it('snapshot-creates in the test driver and reads back', { skip: virshMissing }, async () => {
    const out = await virshRoundTrip(
      buildSnapshotXml(SNAP),
      'snapshot-create test',
      `snapshot-dumpxml test ${SNAP.name}`,
    );
    const s = parseSnapshotXml(out);
    assert.deepEqual([s.name, s.description, s.state], [SNAP.name, SNAP.description, 'running']);
    assert.ok(Math.abs(Date.parse(s.createdAt) - Date.now()) < 60_000);
  });
});
