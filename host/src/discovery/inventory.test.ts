import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { DiscoveryReport } from '@quantix/shared';
import { createInventory } from './inventory.ts';
import { createInventorySource, type InventorySi, type RawInventory } from './inventory-source.ts';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/baremetal-kvm.json', import.meta.url), 'utf8'),
) as RawInventory;

function present<T>(v: T | null): T {
  if (v === null) throw new Error('fixture part missing');
  return v;
}

/** systeminformation answering from the fixture, one call of which can be replaced. */
function fixtureSi(overrides: Partial<InventorySi> = {}): InventorySi {
  return {
    osInfo: async () => present(fixture.osInfo),
    cpu: async () => present(fixture.cpu),
    cpuFlags: async () => fixture.cpuFlags,
    mem: async () => present(fixture.mem),
    diskLayout: async () => fixture.diskLayout,
    blockDevices: async () => fixture.blockDevices,
    fsSize: async () => fixture.fsSize,
    networkInterfaceDefault: async () => fixture.networkInterfaceDefault,
    graphics: async () => ({ controllers: fixture.graphics, displays: [] }),
    ...overrides,
  };
}

function countingSource() {
  const source = {
    calls: 0,
    release: () => {},
    fail: false,
    read(): Promise<RawInventory> {
      source.calls++;
      return new Promise((resolve, reject) => {
        source.release = () => (source.fail ? reject(new Error('boom')) : resolve(fixture));
      });
    },
  };
  return source;
}

function hasVirsh(): boolean {
  try {
    execFileSync('virsh', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('createInventory', () => {
  it('coalesces concurrent callers into one collection and caches it for cacheMs', async () => {
    let clock = 1_000_000;
    const source = countingSource();
    const inventory = createInventory({ source, now: () => clock, cacheMs: 30_000 });

    const a = inventory.collect();
    const b = inventory.collect();
    source.release();
    const [ra, rb] = await Promise.all([a, b]);
    assert.equal(source.calls, 1, 'two hubs asking at once cause one collection');
    assert.equal(ra, rb);
    assert.equal(ra.managementIp, '10.20.0.15');

    clock += 29_999;
    assert.equal(await inventory.collect(), ra, 'served from cache');
    assert.equal(source.calls, 1);

    clock += 1;
    const c = inventory.collect();
    source.release();
    const rc = await c;
    assert.equal(source.calls, 2, 'collected again once the cache expired');
    assert.equal(rc.collectedAt, new Date(clock).toISOString());
  });

  it('does not cache a failed collection', async () => {
    const source = countingSource();
    const inventory = createInventory({ source });
    source.fail = true;
    const first = inventory.collect();
    source.release();
    await assert.rejects(first, /boom/);
    source.fail = false;
    const second = inventory.collect();
    source.release();
    assert.equal((await second).hostname, 'kvm-r750-03');
    assert.equal(source.calls, 2);
  });
});

describe('createInventorySource', () => {
  // The budget is per part and shared by the real reads (/proc/self/mounts, /sys/class/net, the
  // virsh spawn): it must be loose enough that only a real hang trips it on a busy machine. The
  // test's own timeout is what fails a collect() that waits for the part that never answers.
  const PART_BUDGET_MS = 3_000;
  it('returns a report when one part never resolves: that part is empty and named', {
    timeout: 60_000,
  }, async () => {
    const source = createInventorySource({
      si: fixtureSi({
        blockDevices: () => new Promise(() => {}),
        cpu: () => Promise.reject(new Error('no lscpu')),
      }),
      timeoutMs: PART_BUDGET_MS,
      virsh: '/nonexistent/virsh',
    });
    const report = await createInventory({ source }).collect();
    assert.deepEqual(
      report.disks.map((d) => [d.name, d.partitions.length]),
      [
        ['nvme0n1', 0],
        ['nvme1n1', 0],
      ],
      'disks come from diskLayout alone',
    );
    assert.equal(report.cpu.model, '');
    assert.deepEqual(report.cpu.virtualization, ['vmx'], 'cpuFlags still answered');
    assert.deepEqual(report.libvirt, { version: null, status: 'unavailable' });
    assert.deepEqual(report.warnings, [
      `blockDevices: timed out after ${PART_BUDGET_MS} ms`,
      'cpu: no lscpu',
      'libvirt: /nonexistent/virsh not found',
    ]);
  });

  it('reads the libvirt version through virsh', {
    skip: !hasVirsh() && 'virsh is not installed',
  }, async () => {
    const raw = await createInventorySource({ si: fixtureSi(), libvirtUri: 'test:///default' }).read();
    assert.match(raw.virshVersion ?? '', /Running against daemon: \d+\.\d+\.\d+/);
    const bad = await createInventorySource({
      si: fixtureSi(),
      libvirtUri: 'qemu+unix:///system?socket=/nonexistent',
    }).read();
    assert.equal(bad.virshVersion, null);
    assert.match(bad.failures.join('\n'), /^libvirt: .*nonexistent/m);
  });

  it('collects this machine with the real adapter', { timeout: 30_000 }, async () => {
    const started = performance.now();
    const report = await createInventory({
      source: createInventorySource({ libvirtUri: 'test:///default' }),
    }).collect();
    const ms = performance.now() - started;
    DiscoveryReport.parse(report);
    assert.equal(report.hostname, hostname());
    assert.ok(report.memory.total > 0);
    assert.ok(report.cpu.threads > 0);
    assert.ok(!report.networkInterfaces.some((n) => n.name === 'lo'));
    assert.deepEqual(
      report.warnings.filter((w) => !w.startsWith('libvirt:')),
      [],
    );
    console.log(`# real collection took ${Math.round(ms)} ms`);
  });
});
