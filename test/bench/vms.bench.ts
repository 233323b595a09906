// 500 VMs defined (not started) on the real libvirt daemon: listing them through the host's API
// against `virsh list --all` on the same daemon, in the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, setupAdmin, startHost, tempDataDir } from '../support/host-process.ts';
import { ensureLibvirtd } from '../support/libvirtd.ts';
import { type BenchResult, ratioOf } from './bench-types.ts';
import { percentile } from './process-stats.ts';

const COUNT = 500;
const ROUNDS = 15;
const PREFIX = 'qxbench-';

function virsh(script: string): string {
  return execFileSync('virsh', ['-c', 'qemu:///system', script], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

export async function run(): Promise<BenchResult[]> {
  const daemon = ensureLibvirtd();
  if (daemon.uri !== 'qemu:///system') {
    console.log('# vms.bench: no libvirt daemon here (not root?); skipped');
    return [];
  }
  const dir = mkdtempSync(join(tmpdir(), 'qx-vmbench-'));
  const data = tempDataDir();
  const names = Array.from({ length: COUNT }, (_, i) => `${PREFIX}${String(i).padStart(3, '0')}`);
  try {
    const cmds = names.map((n) => {
      const file = join(dir, `${n}.xml`);
      writeFileSync(
        file,
        `<domain type='qemu'><name>${n}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`,
      );
      return `define ${file}`;
    });
    virsh(cmds.join(' ; '));

    const host = await startHost({ dataDir: data.dir, env: { QUANTIX_LIBVIRT_URI: 'qemu:///system' } });
    try {
      const jar = await setupAdmin(host);
      void ADMIN;
      // wait until the inventory holds them all (one load at start, then events)
      const t0 = performance.now();
      for (let i = 0; i < 600; i++) {
        const res = await host.api('/api/v1/vms', { jar });
        const n = (res.json as { vms: Array<{ name: string }> }).vms.filter((v) =>
          v.name.startsWith(PREFIX),
        ).length;
        if (n === COUNT) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const loadMs = performance.now() - t0;

      const api: number[] = [];
      const cli: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        let t = performance.now();
        const res = await host.api('/api/v1/vms', { jar });
        api.push(performance.now() - t);
        if ((res.json as { vms: unknown[] }).vms.length < COUNT) throw new Error('API listed fewer VMs');
        t = performance.now();
        const out = virsh('list --all --name');
        cli.push(performance.now() - t);
        if (out.split('\n').filter((l) => l.startsWith(PREFIX)).length !== COUNT)
          throw new Error('virsh listed fewer VMs');
      }
      const apiMs = percentile(api, 50);
      const cliMs = percentile(cli, 50);
      return [
        {
          name: `list ${COUNT} VMs: API vs virsh list --all`,
          value: apiMs,
          unit: 'ms',
          baseline: cliMs,
          ratio: ratioOf(apiMs, cliMs),
          target: '≤ 1× virsh (bulk calls, no per-VM round trips)',
          pass: apiMs <= cliMs,
        },
        {
          name: `inventory load of ${COUNT} VMs at start`,
          value: loadMs,
          unit: 'ms',
          baseline: cliMs,
          ratio: ratioOf(loadMs, cliMs),
          target: 'info: one-time, then events',
        },
      ];
    } finally {
      await host.stop();
    }
  } finally {
    try {
      virsh(names.map((n) => `undefine ${n}`).join(' ; '));
    } catch {
      // some were never defined
    }
    rmSync(dir, { recursive: true, force: true });
    data.remove();
    daemon.stop();
  }
}
