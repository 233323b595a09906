import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { encodeEnrollment } from '@quantix/shared';
import { ConfigError, type CliConfig, loadConfig, type ServeConfig } from './config.ts';

function serve(argv: string[], env: NodeJS.ProcessEnv = {}): ServeConfig {
  const c: CliConfig = loadConfig(['serve', ...argv], env);
  assert.equal(c.command, 'serve');
  return c as ServeConfig;
}

/** The ConfigError message for a bad configuration. */
function configError(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    loadConfig(argv, env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail(`expected ${JSON.stringify(argv)} to be rejected`);
}

const FULL_ENV: NodeJS.ProcessEnv = {
  QUANTIX_LISTEN: '0.0.0.0:9443',
  QUANTIX_DATA: '/srv/quantix',
  QUANTIX_LIBVIRT_URI: 'test:///default',
  QUANTIX_PUBLIC_NAME: 'quantix.example.org,192.0.2.7',
  QUANTIX_TOKEN_TTL_SECONDS: '600',
  QUANTIX_SESSION_IDLE_SECONDS: '120',
  QUANTIX_LOG_LEVEL: 'debug',
  QUANTIX_UPLOAD_MAX_BYTES: '1048576',
  QUANTIX_BOOT_ID_FILE: '/run/test/boot_id',
  QUANTIX_LIBVIRT_BUS: 'unix:path=/run/test/bus.sock',
};

describe('loadConfig', () => {
  it('has defaults for serve', () => {
    assert.deepEqual(serve([]), {
      command: 'serve',
      listen: { host: '127.0.0.1', port: 8443 },
      dataDir: '/var/lib/quantix-host',
      libvirtUri: 'qemu:///system',
      publicNames: [],
      tokenTtlSeconds: 3600,
      sessionIdleSeconds: 1800,
      logLevel: 'info',
      uploadMaxBytes: 16 * 1024 ** 3,
      bootIdFile: '/proc/sys/kernel/random/boot_id',
    });
  });

  it('reads every QUANTIX_ variable', () => {
    assert.deepEqual(serve([], FULL_ENV), {
      command: 'serve',
      listen: { host: '0.0.0.0', port: 9443 },
      dataDir: '/srv/quantix',
      libvirtUri: 'test:///default',
      publicNames: ['quantix.example.org', '192.0.2.7'],
      tokenTtlSeconds: 600,
      sessionIdleSeconds: 120,
      logLevel: 'debug',
      uploadMaxBytes: 1048576,
      bootIdFile: '/run/test/boot_id',
      libvirtBus: 'unix:path=/run/test/bus.sock',
    });
  });

  it('lets options win over the environment', () => {
    const c = serve(
      ['--listen', '127.0.0.1:0', '--data', '/tmp/qx', '--libvirt', 'qemu:///session'],
      FULL_ENV,
    );
    assert.deepEqual(c.listen, { host: '127.0.0.1', port: 0 });
    assert.equal(c.dataDir, '/tmp/qx');
    assert.equal(c.libvirtUri, 'qemu:///session');
    assert.equal(c.tokenTtlSeconds, 600);
  });

  it('accepts IPv4, bracketed IPv6 and host names as listen addresses', () => {
    assert.deepEqual(serve(['--listen', '127.0.0.1:0']).listen, { host: '127.0.0.1', port: 0 });
    assert.deepEqual(serve(['--listen', '[::1]:8443']).listen, { host: '::1', port: 8443 });
    assert.deepEqual(serve(['--listen', '[::]:443']).listen, { host: '::', port: 443 });
    assert.deepEqual(serve(['--listen=localhost:65535']).listen, { host: 'localhost', port: 65535 });
  });

  it('reads public names from --public-name or QUANTIX_PUBLIC_NAME, comma-separated', () => {
    assert.deepEqual(serve(['--public-name', 'Quantix.Example.org']).publicNames, ['quantix.example.org']);
    assert.deepEqual(serve(['--public-name=a.example, b.example,,2001:db8::1']).publicNames, [
      'a.example',
      'b.example',
      '2001:db8::1',
    ]);
    assert.deepEqual(serve(['--public-name', 'cli.example'], FULL_ENV).publicNames, ['cli.example']);
    for (const bad of ['https://evil.example', 'evil.example:8443', 'a b', 'x..y', '-x.example', 'a/b']) {
      assert.match(configError(['serve', `--public-name=${bad}`]), /publicNames\.\d+: /, bad);
    }
  });

  it('resolves the data directory to an absolute path', () => {
    assert.equal(serve(['--data', 'rel/dir']).dataDir, resolve('rel/dir'));
  });

  it('rejects bad listen addresses', () => {
    for (const bad of [
      '8443',
      '127.0.0.1',
      '::1:8443',
      '127.0.0.1:99999',
      '127.0.0.1:65536',
      'host:port',
      '[::1]',
    ]) {
      assert.match(configError(['serve', '--listen', bad]), /listen: /, bad);
    }
  });

  it('lists every bad value at once', () => {
    const msg = configError(['serve', '--listen', 'nowhere'], {
      QUANTIX_TOKEN_TTL_SECONDS: 'soon',
      QUANTIX_SESSION_IDLE_SECONDS: '5',
      QUANTIX_LOG_LEVEL: 'loud',
    });
    assert.match(msg, /^invalid configuration:/);
    for (const field of ['listen', 'tokenTtlSeconds', 'sessionIdleSeconds', 'logLevel']) {
      assert.match(msg, new RegExp(`\\n  ${field}: `), field);
    }
  });

  it('rejects token lifetimes outside 1 s to 1 day', () => {
    for (const bad of ['0', '-5', '1.5', '86401', 'abc']) {
      assert.match(configError(['serve'], { QUANTIX_TOKEN_TTL_SECONDS: bad }), /tokenTtlSeconds: /, bad);
    }
    assert.equal(serve([], { QUANTIX_TOKEN_TTL_SECONDS: '86400' }).tokenTtlSeconds, 86_400);
  });

  it('rejects unknown options', () => {
    assert.match(configError(['serve', '--port', '1']), /--port/);
    assert.throws(() => loadConfig(['serve', '-x'], {}), ConfigError);
    assert.throws(() => loadConfig(['serve', '--listen'], {}), ConfigError);
  });

  it('rejects an unknown command', () => {
    assert.match(configError(['frobnicate']), /command/);
  });

  it('requires --user for passwd and validates it', () => {
    assert.match(configError(['passwd', '--data', '/tmp/qx']), /username: /);
    assert.match(configError(['passwd', '--data', '/tmp/qx', '--user', 'Bad User']), /username: /);
    assert.deepEqual(loadConfig(['passwd', '--data', '/tmp/qx', '--user', 'admin'], {}), {
      command: 'passwd',
      dataDir: '/tmp/qx',
      username: 'admin',
    });
  });

  it('parses the data-only commands', () => {
    assert.deepEqual(loadConfig(['setup-code', '--data', '/tmp/qx'], {}), {
      command: 'setup-code',
      dataDir: '/tmp/qx',
    });
    assert.deepEqual(loadConfig(['token'], { QUANTIX_DATA: '/srv/q' }), {
      command: 'token',
      dataDir: '/srv/q',
    });
  });

  it('parses join-hub with its qxh1. string, and --join-hub / QUANTIX_JOIN_HUB for serve', () => {
    const s = encodeEnrollment({
      url: 'https://hub.example:9443',
      spki: `sha256:${'ab'.repeat(32)}`,
      id: 'abcd1234',
      secret: 'a'.repeat(32),
    });
    assert.deepEqual(loadConfig(['join-hub', s, '--data', '/tmp/qx'], {}), {
      command: 'join-hub',
      dataDir: '/tmp/qx',
      enrollment: s,
    });
    assert.match(configError(['join-hub', '--data', '/tmp/qx']), /enrollment: /);
    assert.match(configError(['join-hub', 'qx1.nope', '--data', '/tmp/qx']), /enrollment: expected a qxh1\./);
    assert.equal(serve(['--join-hub', s]).joinHub, s);
    assert.equal(serve([], { QUANTIX_JOIN_HUB: ` ${s}\n` }).joinHub, s);
    assert.equal(serve([]).joinHub, undefined);
    assert.match(configError(['serve'], { QUANTIX_JOIN_HUB: 'qxh1.garbage' }), /joinHub: /);
  });

  it('reads --build-info / QUANTIX_BUILD_INFO for serve as an absolute path', () => {
    assert.equal(serve([]).buildInfo, undefined);
    assert.equal(serve(['--build-info', 'rel/BUILD_INFO.json']).buildInfo, resolve('rel/BUILD_INFO.json'));
    assert.equal(
      serve([], { QUANTIX_BUILD_INFO: '/usr/share/quantix/BUILD_INFO.json' }).buildInfo,
      '/usr/share/quantix/BUILD_INFO.json',
    );
    assert.equal(
      serve(['--build-info=/cli.json'], { QUANTIX_BUILD_INFO: '/env.json' }).buildInfo,
      '/cli.json',
    );
  });

  it('parses console with the data directory and where a live medium would be', () => {
    assert.deepEqual(loadConfig(['console'], {}), {
      command: 'console',
      dataDir: '/var/lib/quantix-host',
      liveMedium: '/run/live/medium',
    });
    assert.deepEqual(loadConfig(['console', '--data', '/tmp/qx'], { QUANTIX_LIVE_MEDIUM: '/tmp/live' }), {
      command: 'console',
      dataDir: '/tmp/qx',
      liveMedium: '/tmp/live',
    });
  });

  it('shows help with no command, with --help and with -h', () => {
    assert.deepEqual(loadConfig([], {}), { command: 'help' });
    assert.deepEqual(loadConfig(['serve', '--help'], {}), { command: 'help' });
    assert.deepEqual(loadConfig(['-h'], { QUANTIX_LISTEN: 'garbage' }), { command: 'help' });
  });
});

describe('loadConfig: start at boot', () => {
  it('reads the boot id file from --boot-id-file, resolved, over QUANTIX_BOOT_ID_FILE', () => {
    const c = serve(['--boot-id-file', 'run/boot_id'], { QUANTIX_BOOT_ID_FILE: '/elsewhere' });
    assert.equal(c.bootIdFile, resolve('run/boot_id'));
  });

  it('refuses a libvirt bus that is not a unix socket address', () => {
    assert.match(configError(['serve'], { QUANTIX_LIBVIRT_BUS: 'tcp:host=x' }), /libvirtBus/);
  });
});
