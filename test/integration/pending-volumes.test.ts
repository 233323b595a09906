import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorBody, PendingVolumesState, VmDetail, VolumeList } from '@quantix/shared';
import { type AdminHost, startAdminHost } from '../support/admin-host.ts';
import { tempDataDir } from '../support/host-process.ts';

// The journal of volumes being made, through the real host on libvirt's test driver: every
// operation that makes volumes leaves it empty once over — done or rolled back — and an earlier
// run's entry whose volume is gone is forgotten once libvirt answers. (What a kill leaves, and its
// sweep, is in test/e2e/pending-volumes.test.ts on a real daemon.)
describe('pending volumes journal on test:///default', () => {
  const data = tempDataDir('qxorph-int-');
  const file = join(data.dir, 'pending-volumes.json');
  let qx: AdminHost | undefined;
  before(async () => {
    writeFileSync(
      file,
      JSON.stringify({
        schema: 1,
        volumes: [
          {
            pool: 'default-pool',
            volume: 'qxorph-never-made.img',
            doing: 'creation of VM "qxorph-never"',
            since: '2026-01-01T00:00:00.000Z',
          },
        ],
      }),
    );
    qx = await startAdminHost({ dataDir: data.dir });
  });
  after(async () => {
    await qx?.stop();
    data.remove();
  });
  const api = (method: string, path: string, body?: unknown) => {
    if (!qx) throw new Error('the host did not start');
    return qx.api(method, path, body);
  };
  const journal = () => PendingVolumesState.parse(JSON.parse(readFileSync(file, 'utf8'))).volumes;
  const volumes = async () =>
    VolumeList.parse((await api('GET', '/storage/pools/default-pool/volumes')).json).volumes.map(
      (v) => v.name,
    );
  let vm: VmDetail;

  it('forgets an earlier run’s entry whose volume is not there, with no event', async () => {
    for (let i = 0; i < 100 && journal().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(journal(), []);
    const events = (await api('GET', '/events?limit=100')).json as { events: Array<{ message: string }> };
    assert.ok(!events.events.some((e) => /qxorph-never-made/.test(e.message)));
  });

  it('a VM creation leaves no entry once the VM is defined, nor once rolled back', async () => {
    const request = {
      name: 'qxorph-vm',
      vcpus: 1,
      memoryMiB: 128,
      disks: [
        { pool: 'default-pool', sizeGiB: 1, format: 'qcow2' },
        { pool: 'default-pool', sizeGiB: 1, format: 'raw' },
      ],
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
    };
    // someone's volume with the second disk's name: the first disk is made, the second refused
    const theirs = await api('POST', '/storage/pools/default-pool/volumes', {
      name: 'qxorph-vm-disk1.img',
      format: 'raw',
      sizeGiB: 0.01,
    });
    assert.equal(theirs.status, 201, theirs.text);
    const refused = await api('POST', '/vms', request);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(ErrorBody.parse(refused.json).error.code, 'NAME_TAKEN');
    assert.deepEqual(journal(), [], 'dropped after the rollback');
    assert.ok(!(await volumes()).includes('qxorph-vm-disk0.qcow2'), 'rolled back');
    assert.ok((await volumes()).includes('qxorph-vm-disk1.img'), 'theirs untouched');
    assert.equal(
      (await api('DELETE', '/storage/pools/default-pool/volumes/qxorph-vm-disk1.img')).status,
      204,
    );

    const ok = await api('POST', '/vms', request);
    assert.equal(ok.status, 201, ok.text);
    vm = VmDetail.parse(ok.json);
    assert.deepEqual(journal(), []);
    assert.ok((await volumes()).includes('qxorph-vm-disk0.qcow2'));
  });

  it('a disk added on the Hardware tab leaves no entry once attached', async () => {
    const res = await api('POST', `/vms/${vm.uuid}/hardware/disks`, {
      source: 'new',
      pool: 'default-pool',
      sizeGiB: 1,
      format: 'raw',
      bus: 'virtio',
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(journal(), []);
    assert.ok((await volumes()).includes('qxorph-vm-disk2.img'));
  });

  it('a full clone whose copy fails is rolled back and leaves no entry', async () => {
    // the test driver's volumes are no files: qemu-img cannot read the source
    const res = await api('POST', `/vms/${vm.uuid}/clone`, { name: 'qxorph-copy', mode: 'full' });
    assert.ok(res.status >= 400, res.text);
    assert.doesNotMatch(ErrorBody.parse(res.json).error.message, /could not be deleted/);
    assert.deepEqual(journal(), []);
    assert.ok(!(await volumes()).some((v) => v.startsWith('qxorph-copy')), 'rolled back');
  });
});
