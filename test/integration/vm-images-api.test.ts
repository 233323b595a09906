import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorBody, TaskList, VmDetail, VmSummary } from '@quantix/shared';
import { type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import type { CookieJar } from '../support/https-client.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';

const code = (json: unknown) => ErrorBody.parse(json).error.code;

// The clone, template and image routes of the real host on libvirt's test driver: the rules and
// refusals (real copies and overlays are in test/e2e/vm-images.test.ts).
describe('images, clones and templates API on test:///default', () => {
  const data = tempDataDir();
  let host: RunningHost;
  let admin: CookieJar;
  let test: VmSummary;
  before(async () => {
    host = await startHost({ dataDir: data.dir });
    admin = await setupAdmin(host);
    await waitForHypervisor(host, admin);
    const vms = (await api('GET', '/vms')).json as { vms: VmSummary[] };
    const found = vms.vms.find((v) => v.name === 'test');
    assert.ok(found, "the test driver's own VM");
    test = found;
  });
  after(async () => {
    await host.stop();
    data.remove();
  });
  const api = (method: string, path: string, body?: unknown) =>
    host.api(`/api/v1${path}`, { method, jar: admin, body });

  it('refuses to clone a running VM, and checks the request', async () => {
    const running = await api('POST', `/vms/${test.uuid}/clone`, { name: 'qximg-c1' });
    assert.equal(running.status, 409, running.text);
    assert.equal(code(running.json), 'VM_STATE_INVALID');
    const bad = await api('POST', `/vms/${test.uuid}/clone`, { name: 'qximg-c1', mode: 'linked', pool: 'x' });
    assert.equal(bad.status, 400);
    const badName = await api('POST', `/vms/${test.uuid}/clone`, { name: '../x' });
    assert.equal(badName.status, 400);
    const noVm = await api('POST', '/vms/00000000-0000-0000-0000-000000000000/clone', { name: 'qximg-c1' });
    assert.equal(noVm.status, 404);
  });

  it('converts a shut-off VM into a template that is never started nor autostarted', async () => {
    const on = await api('POST', `/vms/${test.uuid}/template`);
    assert.equal(on.status, 409, 'not while it runs');
    assert.equal((await api('POST', `/vms/${test.uuid}/actions/destroy`)).status, 200);
    const res = await api('POST', `/vms/${test.uuid}/template`);
    assert.equal(res.status, 200, res.text);
    assert.equal(VmSummary.parse(res.json).template, true);
    const listed = ((await api('GET', '/vms')).json as { vms: VmSummary[] }).vms.find(
      (v) => v.uuid === test.uuid,
    );
    assert.equal(listed?.template, true, 'marked in the list');
    const start = await api('POST', `/vms/${test.uuid}/actions/start`);
    assert.equal(start.status, 409);
    assert.match(ErrorBody.parse(start.json).error.message, /is a template/);
    const auto = await api('PUT', `/vms/${test.uuid}/autostart`, { autostart: true });
    assert.equal(auto.status, 409);
    const again = await api('POST', `/vms/${test.uuid}/template`);
    assert.equal(again.status, 409, 'a template already');
    const clones = await api('GET', `/vms/${test.uuid}/linked-clones`);
    assert.deepEqual(clones.json, { clones: [] });
  });

  it('records the clone and template requests in the task list, refusals as failed', async () => {
    const list = TaskList.parse((await api('GET', `/tasks?target=vm:${test.uuid}`)).json).tasks;
    const templates = list.filter((t) => t.title === 'Convert to template');
    assert.deepEqual(templates.map((t) => t.status).sort(), ['failed', 'failed', 'ok']);
    const clone = list.find((t) => t.title === 'Clone to "qximg-c1"' && t.error?.code === 'VM_STATE_INVALID');
    assert.ok(clone, JSON.stringify(list.map((t) => [t.title, t.status])));
    assert.equal(clone.status, 'failed');
  });

  it('refuses to clone disks that are no pool volumes', async () => {
    const detail = VmDetail.parse((await api('GET', `/vms/${test.uuid}`)).json);
    assert.ok(detail.disks.some((d) => d.device === 'disk'));
    const res = await api('POST', `/vms/${test.uuid}/clone`, { name: 'qximg-c2', mode: 'linked' });
    assert.equal(res.status, 501, res.text);
    assert.equal(code(res.json), 'NOT_SUPPORTED');
  });

  it('creates no VM from an image that is not there, nor from a volume qemu-img cannot read', async () => {
    const base = {
      vcpus: 1,
      memoryMiB: 128,
      network: { type: 'none' },
      bootOrder: ['hd'],
      autostart: false,
    };
    const missing = await api('POST', '/vms', {
      ...base,
      name: 'qximg-img1',
      disks: [
        {
          pool: 'default-pool',
          sizeGiB: 1,
          format: 'qcow2',
          source: { type: 'image', pool: 'default-pool', volume: 'nope.img' },
        },
      ],
    });
    assert.equal(missing.status, 404, missing.text);
    assert.equal(code(missing.json), 'VOLUME_NOT_FOUND');
    // the test driver's volumes have no files behind them
    const made = await api('POST', '/storage/pools/default-pool/volumes', {
      name: 'qximg-v.qcow2',
      format: 'qcow2',
      sizeGiB: 1,
    });
    assert.equal(made.status, 201, made.text);
    const unreadable = await api('POST', '/vms', {
      ...base,
      name: 'qximg-img2',
      disks: [
        {
          pool: 'default-pool',
          sizeGiB: 1,
          format: 'qcow2',
          source: { type: 'volume', pool: 'default-pool', volume: 'qximg-v.qcow2' },
        },
      ],
    });
    assert.equal(unreadable.status, 422, unreadable.text);
    assert.equal(code(unreadable.json), 'IMAGE_REFUSED');
    const info = await api('GET', '/storage/pools/default-pool/volumes/qximg-v.qcow2/image');
    assert.equal(info.status, 422);
    const vms = ((await api('GET', '/vms')).json as { vms: VmSummary[] }).vms;
    assert.ok(!vms.some((v) => v.name.startsWith('qximg-img')), 'nothing half-made');
    const badSource = await api('POST', '/vms', {
      ...base,
      name: 'qximg-img3',
      disks: [
        { pool: 'default-pool', sizeGiB: 1, format: 'qcow2', source: { type: 'url', url: 'http://x' } },
      ],
    });
    assert.equal(badSource.status, 400);
  });
});
