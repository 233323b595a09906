import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@quantix/shared/server';
import { loadConfig } from './config.ts';

describe('hub loadConfig', () => {
  it('serves on 127.0.0.1:9443 from /var/lib/quantix-hub by default', () => {
    assert.deepEqual(loadConfig(['serve'], {}), {
      command: 'serve',
      listen: { host: '127.0.0.1', port: 9443 },
      dataDir: '/var/lib/quantix-hub',
      logLevel: 'info',
      allowLoopbackHosts: false,
      adoptTimeoutMs: 10_000,
    });
  });

  it('reads QUANTIX_HUB_* and lets options win over them', () => {
    const env = {
      QUANTIX_HUB_LISTEN: '0.0.0.0:10443',
      QUANTIX_HUB_DATA: '/srv/hub',
      QUANTIX_HUB_PUBLIC_URL: 'https://hub.example.org/',
      // the host's variables are not the hub's
      QUANTIX_LISTEN: '127.0.0.1:1',
    };
    assert.deepEqual(loadConfig(['serve'], env), {
      command: 'serve',
      listen: { host: '0.0.0.0', port: 10443 },
      dataDir: '/srv/hub',
      publicUrl: 'https://hub.example.org',
      logLevel: 'info',
      allowLoopbackHosts: false,
      adoptTimeoutMs: 10_000,
    });
    const c = loadConfig(['serve', '--listen', '[::1]:9000', '--public-url', 'https://10.0.0.5:9443'], env);
    assert.ok(c.command === 'serve');
    assert.deepEqual(c.listen, { host: '::1', port: 9000 });
    assert.equal(c.publicUrl, 'https://10.0.0.5:9443');
  });

  it('adopts loopback hosts only when told, and takes the adoption time limit in seconds', () => {
    const on = loadConfig(['serve'], {
      QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS: '1',
      QUANTIX_HUB_ADOPT_TIMEOUT_SECONDS: '2',
    });
    assert.ok(on.command === 'serve');
    assert.equal(on.allowLoopbackHosts, true);
    assert.equal(on.adoptTimeoutMs, 2000);
    const flag = loadConfig(['serve', '--allow-loopback-hosts', '--adopt-timeout', '2.5'], {
      QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS: '0',
      QUANTIX_HUB_ADOPT_TIMEOUT_SECONDS: '30',
    });
    assert.ok(flag.command === 'serve');
    assert.equal(flag.allowLoopbackHosts, true);
    assert.equal(flag.adoptTimeoutMs, 2500);
    const off = loadConfig(['serve'], { QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS: 'false' });
    assert.ok(off.command === 'serve');
    assert.equal(off.allowLoopbackHosts, false);
    assert.throws(
      () =>
        loadConfig(['serve', '--adopt-timeout', '0'], {
          QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS: 'maybe',
        }),
      (err: Error) =>
        err instanceof ConfigError &&
        /QUANTIX_HUB_ALLOW_LOOPBACK_HOSTS/.test(err.message) &&
        /adoptTimeoutMs/.test(err.message),
    );
  });

  it('has setup-code and passwd, and no host-only command', () => {
    assert.equal(loadConfig(['setup-code', '--data', '/d'], {}).command, 'setup-code');
    assert.deepEqual(loadConfig(['passwd', '--data', '/d', '--user', 'admin'], {}), {
      command: 'passwd',
      dataDir: '/d',
      username: 'admin',
    });
    assert.throws(() => loadConfig(['token', '--data', '/d'], {}), ConfigError);
  });

  it('lists every bad value at once', () => {
    assert.throws(
      () =>
        loadConfig(['serve', '--listen', 'nope', '--public-url', 'http://plain.example'], {
          QUANTIX_HUB_LOG_LEVEL: 'loud',
        }),
      (err: Error) =>
        err instanceof ConfigError &&
        /listen/.test(err.message) &&
        /publicUrl/.test(err.message) &&
        /logLevel/.test(err.message),
    );
    assert.throws(() => loadConfig(['serve', '--libvirt', 'x'], {}), ConfigError);
  });
});
