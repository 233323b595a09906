import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const SCRIPT = new URL('./ensure-packages.sh', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'qx-ensure-packages-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the script; `output()` is what it has printed so far. */
function startScript(
  args: string[],
  env: Record<string, string>,
): { done: Promise<Run>; output: () => string } {
  const child = spawn('bash', [SCRIPT, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })),
  );
  return { done, output: () => stdout };
}

const runScript = (args: string[], env: Record<string, string>): Promise<Run> => startScript(args, env).done;

/** Polls `pred`; the deadline ends a test that hangs, it measures nothing. */
async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 6000 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(pred(), `timed out waiting for ${what}`);
}

const isRoot = process.getuid?.() === 0;
const hasApt = (() => {
  try {
    execFileSync('apt-get', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * A fake apt-get and dpkg-query first in PATH: the script's own logic, without touching the
 * machine's packages. The fake apt-get records each call and answers as apt 2.6 does while
 * another apt holds a lock, for the first `LOCKED_TIMES` calls of `APT_VERB`.
 */
function fakeApt(name: string) {
  const bin = join(dir, name);
  mkdirSync(bin);
  const calls = join(bin, 'calls');
  writeFileSync(calls, '');
  writeFileSync(
    join(bin, 'apt-get'),
    `#!/bin/sh
echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND LC_ALL=$LC_ALL $*" >> "${calls}"
case " $* " in *" $APT_VERB "*)
  n=$(grep -c " $APT_VERB" "${calls}")
  if [ "$n" -le "\${LOCKED_TIMES:-0}" ]; then
    echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
    echo "E: Unable to lock directory /var/lib/apt/lists/" >&2
    exit 100
  fi ;;
esac
[ -n "$FAIL_WITH" ] && { echo "$FAIL_WITH" >&2; exit 100; }
exit 0
`,
  );
  // every package is missing, except those named in INSTALLED
  writeFileSync(
    join(bin, 'dpkg-query'),
    `#!/bin/sh\nfor p in $INSTALLED; do [ "$p" = "$3" ] && { printf 'install ok installed'; exit 0; }; done\nexit 1\n`,
  );
  chmodSync(join(bin, 'apt-get'), 0o755);
  chmodSync(join(bin, 'dpkg-query'), 0o755);
  return {
    env: (more: Record<string, string> = {}) => ({
      PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      APT_LOCK_RETRY_SECONDS: '0',
      ...more,
    }),
    calls: () => readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean),
  };
}

describe('ensure-packages.sh', { skip: !isRoot && 'needs root (it would call sudo)' }, () => {
  it('waits while another apt holds the lock, then installs', async () => {
    const apt = fakeApt('busy-update');
    const run = await runScript(['pkg-a', 'pkg-b'], apt.env({ APT_VERB: 'update', LOCKED_TIMES: '2' }));
    assert.equal(run.code, 0, run.stderr);
    assert.equal((run.stdout.match(/apt is busy/g) ?? []).length, 2);
    const calls = apt.calls();
    assert.deepEqual(
      calls.map((c) => c.replace(/^DEBIAN_FRONTEND=\S* LC_ALL=\S* /, '')),
      [
        '-o DPkg::Lock::Timeout=600 update -qq',
        '-o DPkg::Lock::Timeout=600 update -qq',
        '-o DPkg::Lock::Timeout=600 update -qq',
        '-o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends pkg-a pkg-b',
      ],
    );
    for (const c of calls) assert.match(c, /^DEBIAN_FRONTEND=noninteractive LC_ALL=C /);
  });

  it('retries an install whose lock is busy too; apt itself waits for the dpkg locks', async () => {
    const apt = fakeApt('busy-install');
    const run = await runScript(['pkg-a'], apt.env({ APT_VERB: 'install', LOCKED_TIMES: '1' }));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(apt.calls().filter((c) => c.includes(' install ')).length, 2);
  });

  it('gives up when the lock stays busy past the deadline, saying why', async () => {
    const apt = fakeApt('stuck');
    const run = await runScript(
      ['pkg-a'],
      apt.env({ APT_VERB: 'update', LOCKED_TIMES: '1000', APT_LOCK_WAIT_SECONDS: '0' }),
    );
    assert.equal(run.code, 100);
    assert.match(run.stderr, /Could not get lock/);
    assert.equal(apt.calls().length, 1);
  });

  it('fails at once on any other error, and does nothing when all is installed', async () => {
    const broken = fakeApt('broken');
    const run = await runScript(['pkg-a'], broken.env({ FAIL_WITH: 'E: Unable to locate package pkg-a' }));
    assert.equal(run.code, 100);
    assert.match(run.stderr, /Unable to locate package/);
    assert.equal(broken.calls().length, 1);
    const done = fakeApt('done');
    const none = await runScript(['pkg-a', 'pkg-b'], done.env({ INSTALLED: 'pkg-a pkg-b' }));
    assert.equal(none.code, 0);
    assert.deepEqual(done.calls(), []);
  });

  /**
   * The real apt-get, on a private state directory (APT_CONFIG): another apt-get update holds
   * its lists lock while it waits for a repository that does not answer yet. apt 2.6 does not
   * wait for that lock by itself; the script must, and must know apt's words for it.
   */
  it('the real apt-get: waits for another apt-get update to let go of the lists lock', {
    skip: !hasApt && 'no apt-get here',
    timeout: 120_000,
  }, async () => {
    const root = join(dir, 'apt-root');
    for (const d of ['lists/partial', 'cache/archives/partial', 'parts', 'prefs']) {
      mkdirSync(join(root, d), { recursive: true });
    }
    let answer = false;
    const held: Array<() => void> = [];
    const server: Server = createServer((_req, res) => {
      const reply = () => res.writeHead(404).end();
      if (answer) reply();
      else held.push(reply);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      writeFileSync(join(root, 'sources.list'), `deb [trusted=yes] http://127.0.0.1:${port}/ ./\n`);
      const conf = join(root, 'apt.conf');
      writeFileSync(
        conf,
        [
          `Dir::State::Lists "${root}/lists";`,
          `Dir::Cache "${root}/cache";`,
          `Dir::Etc::SourceList "${root}/sources.list";`,
          `Dir::Etc::SourceParts "${root}/parts";`,
          `Dir::Etc::PreferencesParts "${root}/prefs";`,
          'APT::Sandbox::User "root";',
          'Acquire::http::Proxy "DIRECT";',
          '',
        ].join('\n'),
      );
      const env = { APT_CONFIG: conf, LC_ALL: 'C' };
      // the other apt: holds the lock until the repository answers
      const other = new Promise<number>((resolve) => {
        execFile('apt-get', ['update', '-qq'], { env: { ...process.env, ...env } }, (err) =>
          resolve(err ? 1 : 0),
        );
      });
      await until(() => held.length > 0, 'the other apt-get to fetch (it holds the lock meanwhile)');
      // dpkg-query finds no such package: the script goes on to apt-get update
      const ours = startScript(['qx-no-such-package'], { ...env, APT_LOCK_RETRY_SECONDS: '1' });
      await until(() => ours.output().includes('apt is busy'), 'the script to meet the lock');
      // now the other apt finishes, and lets go of the lock
      answer = true;
      for (const reply of held.splice(0)) reply();
      await other;
      const run = await ours.done;
      // past the lock: our update ran, and failed only on the repository, which is empty (so
      // nothing is installed)
      assert.doesNotMatch(run.stderr, /Could not get lock/);
      assert.match(run.stderr, /Failed to fetch http:\/\/127\.0\.0\.1:\d+\/.* 404/);
      assert.equal(run.code, 100);
    } finally {
      answer = true;
      for (const reply of held.splice(0)) reply();
      server.close();
    }
  });
});
