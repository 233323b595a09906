import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { STALE_UPLOAD_MS } from '../../host/src/storage/files/upload.ts';
import { setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import { waitForHypervisor } from '../support/hypervisor-ready.ts';
import { ensureLibvirtd } from '../support/libvirtd.ts';

/** Polls `check` every 100 ms, at most `tries` times. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, tries = 300): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('leftovers of crashed writes are swept at start', () => {
  it('removes our temp files from the data directory and tls/, and nothing else', async () => {
    const data = tempDataDir();
    try {
      const first = await startHost({ dataDir: data.dir });
      await setupAdmin(first);
      await first.kill9();
      // what interrupted writes leave: both temp copies of a durable write, an older version's
      // .bak link, a disk probe
      const ours = [
        '.host.json.4242.0123456789ab.tmp',
        '.host.json.bak.4242.0123456789ab.tmp',
        '.events.json.4242.abcdefabcdef.tmp',
        'events.json.4242.0123456789ab.baktmp',
        '.quantix-probe.4242.0123456789ab.tmp',
      ];
      const theirs = ['notes.tmp', 'host.json.corrupt-1700000000000'];
      for (const name of [...ours, ...theirs]) writeFileSync(join(data.dir, name), 'x'.repeat(100_000));
      writeFileSync(join(data.dir, 'tls', '.cert.pem.4242.0123456789ab.tmp'), 'x');

      const second = await startHost({ dataDir: data.dir });
      try {
        const names = readdirSync(data.dir);
        for (const name of ours) assert.ok(!names.includes(name), `${name} was swept`);
        for (const name of theirs) assert.ok(names.includes(name), `${name} was kept`);
        assert.deepEqual(
          readdirSync(join(data.dir, 'tls')).filter((n) => n.endsWith('.tmp')),
          [],
        );
        assert.equal((await second.api('/api/v1/registration/ping')).status, 200);
      } finally {
        await second.stop();
      }
    } finally {
      data.remove();
    }
  });
});

// A pool needs a real libvirt daemon: the test driver forgets pools when the host restarts.
describe('an ISO upload cut short by kill -9', () => {
  const data = tempDataDir();
  const poolDir = mkdtempSync(join(tmpdir(), 'qxsweep'));
  chmodSync(poolDir, 0o755);
  const poolName = `sweep${Date.now().toString(36)}`;
  const env = { QUANTIX_LIBVIRT_URI: 'qemu:///system' };
  let daemon: ReturnType<typeof ensureLibvirtd>;
  let cleanup: (() => Promise<void>) | null = null;

  before(() => {
    daemon = ensureLibvirtd();
    assert.equal(daemon.uri, 'qemu:///system', 'a real libvirt daemon must run for this suite (run as root)');
  });
  after(async () => {
    await cleanup?.();
    daemon?.stop();
    data.remove();
    rmSync(poolDir, { recursive: true, force: true });
  });

  it('leaves a .part that the next start removes once it is stale (a fresh one may be a live upload)', async () => {
    const first = await startHost({ dataDir: data.dir, env });
    const jar = await setupAdmin(first);
    await waitForHypervisor(first, jar);
    const created = await first.api('/api/v1/storage/pools', {
      method: 'POST',
      jar,
      body: { type: 'dir', name: poolName, path: poolDir },
    });
    assert.equal(created.status, 201, created.text);

    // an upload that sends 256 KiB of a declared 64 MiB, then the host dies under it
    const upload = request(`${first.url}/api/v1/storage/pools/${poolName}/files/big.iso`, {
      method: 'PUT',
      ca: first.ca,
      agent: false,
      headers: {
        cookie: jar.header(),
        origin: first.origin,
        'content-type': 'application/octet-stream',
        'content-length': String(64 * 2 ** 20),
      },
    });
    const gone = new Promise<void>((resolve) => {
      upload.on('error', () => resolve());
      upload.on('close', () => resolve());
    });
    upload.write(Buffer.alloc(256 * 1024, 0x5a));
    const parts = () => readdirSync(poolDir).filter((n) => /^\.upload-[0-9a-f]{16}\.part$/.test(n));
    await eventually('the upload has a temp file', () => parts().length === 1);
    // not while the CPU probe has a throw-away guest running: a kill then leaves it to the next probe
    await eventually('the CPU probe is done', async () => {
      const caps = await first.api('/api/v1/hypervisor/cpu', { jar });
      return caps.status === 200 && (caps.json as { probing: boolean }).probing === false;
    });
    await first.kill9();
    upload.destroy();
    await gone;
    const [leftover] = parts();
    assert.ok(leftover, 'kill -9 left the temp file behind');

    // age it past the threshold; add a fresh one, as another host's live upload on a shared pool
    const old = new Date(Date.now() - STALE_UPLOAD_MS - 60_000);
    utimesSync(join(poolDir, leftover), old, old);
    const live = '.upload-00000000000000ff.part';
    writeFileSync(join(poolDir, live), 'x');

    const second = await startHost({ dataDir: data.dir, env });
    cleanup = async () => {
      await second.api(`/api/v1/storage/pools/${poolName}/stop`, { method: 'POST', jar }).catch(() => null);
      await second.api(`/api/v1/storage/pools/${poolName}`, { method: 'DELETE', jar }).catch(() => null);
      await second.stop();
    };
    const login = await second.api('/api/v1/auth/login', {
      method: 'POST',
      body: { username: 'admin', password: 'correct horse battery' },
      jar,
    });
    assert.equal(login.status, 200);
    await eventually('the stale temp file is swept', () => !existsSync(join(poolDir, leftover)));
    assert.ok(existsSync(join(poolDir, live)), 'a fresh temp file is left alone');
    const vols = await second.api(`/api/v1/storage/pools/${poolName}/volumes`, { jar });
    assert.equal(vols.status, 200, vols.text);
    const names = (vols.json as { volumes: Array<{ name: string }> }).volumes.map((v) => v.name);
    assert.ok(!names.includes(leftover), `no longer a volume: ${names.join(', ')}`);
  });
});
