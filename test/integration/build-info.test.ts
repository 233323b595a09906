import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BuildInfo, ConsoleStatus, HostSummary, PingResponse } from '@quantix/shared';
import { controlOf } from '@quantix/shared/server';
import { runCli, type RunningHost, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';

const INFO: BuildInfo = {
  product: 'quantix-host',
  version: '8.1.0-iso.3',
  builtAt: '2026-12-01T10:00:00.000Z',
  commit: '0123abcd4567ef89-dirty',
  node: 'v20.20.0',
  kernel: '6.1.0-28-amd64',
  debian: '12',
  registrationApiSupported: true,
};

describe('--build-info: the version and commit of the image', () => {
  const data = tempDataDir('qx-build-info-');
  const file = join(data.dir, 'BUILD_INFO.json');
  let host: RunningHost;
  before(async () => {
    writeFileSync(file, JSON.stringify(INFO));
    host = await startHost({ dataDir: join(data.dir, 'data'), env: { QUANTIX_BUILD_INFO: file } });
  });
  after(async () => {
    await host?.stop();
    data.remove();
  });

  it('ping reports the version and commit of BUILD_INFO.json', async () => {
    const res = await host.api('/api/v1/registration/ping');
    assert.equal(res.status, 200);
    const ping = PingResponse.parse(res.json);
    assert.equal(ping.version, INFO.version);
    assert.equal(ping.commit, INFO.commit);
  });

  it('the About page (GET /api/v1/host) reports its version, commit and build time', async () => {
    const admin = await setupAdmin(host);
    const res = await host.api('/api/v1/host', { jar: admin });
    assert.equal(res.status, 200, res.text);
    const summary = HostSummary.parse(res.json);
    assert.equal(summary.version, INFO.version);
    assert.equal(summary.build.commit, INFO.commit);
    assert.equal(summary.build.builtAt, INFO.builtAt);
  });

  it('the console-status control command reports them too', async () => {
    const s = ConsoleStatus.parse(await controlOf(host.dataDir, 'quantix-host')({ cmd: 'console-status' }));
    assert.equal(s.version, INFO.version);
    assert.equal(s.commit, INFO.commit);
  });
});

describe('--build-info that cannot be used stops the start', () => {
  const data = tempDataDir('qx-build-info-bad-');
  after(() => data.remove());
  const serve = (file: string) =>
    runCli(['serve', '--listen', '127.0.0.1:0', '--data', join(data.dir, 'data'), '--build-info', file]);

  it('a file that is not a BUILD_INFO.json: exits non-zero naming the file and what is wrong', async () => {
    const bad = join(data.dir, 'broken.json');
    writeFileSync(bad, JSON.stringify({ ...INFO, version: '', registrationApiSupported: false }));
    const r = await serve(bad);
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.includes(bad), r.stderr);
    assert.match(r.stderr, /version/);
    assert.doesNotMatch(r.stdout, /listening/);
  });

  it('a file that is not JSON, or missing: exits non-zero naming the file', async () => {
    const garbage = join(data.dir, 'garbage.json');
    writeFileSync(garbage, '{ "product": ');
    const r = await serve(garbage);
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.includes(`${garbage}: not JSON`), r.stderr);
    const missing = join(data.dir, 'absent.json');
    const m = await serve(missing);
    assert.notEqual(m.code, 0);
    assert.ok(m.stderr.includes(`${missing}: cannot read it (ENOENT)`), m.stderr);
  });
});
