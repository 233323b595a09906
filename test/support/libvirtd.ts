import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './host-process.ts';

/**
 * Makes sure a real libvirt daemon runs (starting virtlogd and libvirtd without systemd when none
 * does) and returns a stop function that stops, by pid, only what this call started.
 */
export function ensureLibvirtd(): { uri: string; stop: () => void } {
  const before = running();
  const uri = execFileSync(join(REPO, 'scripts/ensure-libvirtd.sh'), { encoding: 'utf8' }).trim();
  const after = running();
  const started = [...after].filter(([name]) => !before.has(name));
  return {
    uri,
    stop() {
      for (const [, pid] of started) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
  };
}

/**
 * On a fresh machine the daemon probes QEMU's capabilities (a minute or more under TCG) the first
 * time a guest is defined: a suite pays that up front, outside its timed steps.
 */
export function warmQemuCapabilities(): void {
  execFileSync('virsh', ['-c', 'qemu:///system', 'domcapabilities', '--virttype', 'qemu'], {
    stdio: 'ignore',
    timeout: 300_000,
  });
}

function running(): Map<string, number> {
  const out = new Map<string, number>();
  for (const name of ['libvirtd', 'virtlogd']) {
    const pidFile = `/run/${name}.pid`;
    const alive = spawnSync('pgrep', ['-x', name], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : Number(alive);
    if (alive && pid > 0) out.set(name, pid);
  }
  return out;
}

/**
 * Waits until the probe guests (`qx-<kind>-probe-…`) on the daemon now are all gone. Each lives
 * about a second; the hosts of other suites may be probing on the same daemon meanwhile, so a
 * moment with none at all is not something to wait for — only that none lingers.
 */
export async function probeGuestsGone(kind: 'cpu' | 'fw', timeoutMs = 60_000): Promise<string[]> {
  const list = () =>
    (
      spawnSync('virsh', ['-c', 'qemu:///system', 'list', '--all', '--name'], { encoding: 'utf8' }).stdout ??
      ''
    )
      .split('\n')
      .map((l) => l.trim())
      .filter((n) => n.startsWith(`qx-${kind}-probe-`));
  const seen = new Set(list());
  const deadline = Date.now() + timeoutMs;
  let lingering = [...seen];
  while (lingering.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const now = new Set(list());
    lingering = [...seen].filter((n) => now.has(n));
  }
  return lingering;
}
