import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { TelemetrySample } from '@quantix/shared';
import { computeSample, counterDelta, cpuPercent } from './proc-delta.ts';
import {
  countsTowardNetTotal,
  type FsUsage,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseStat,
  parseUptime,
  type RawReading,
} from './proc-parse.ts';

const fixture = (name: string): string =>
  fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** A reading from the recorded files `<file>-<n>.txt` (this machine, 1 s apart, 20 MB written between). */
function recorded(n: 1 | 2, mono: number, filesystems: FsUsage[] = []): RawReading {
  return {
    mono,
    cpu: parseStat(fixture(`stat-${n}.txt`)),
    memory: parseMeminfo(fixture(`meminfo-${n}.txt`)),
    load: parseLoadavg(fixture(`loadavg-${n}.txt`)),
    net: parseNetDev(fixture(`net-dev-${n}.txt`)),
    disks: parseDiskstats(fixture(`diskstats-${n}.txt`)),
    uptime: parseUptime(fixture(`uptime-${n}.txt`)),
    filesystems,
  };
}

const jiffies = (user: number, system: number, idle: number, iowait = 0, steal = 0) => ({
  user,
  nice: 0,
  system,
  idle,
  iowait,
  irq: 0,
  softirq: 0,
  steal,
});

describe('parsers on recorded /proc text', () => {
  it('parses /proc/stat cpu lines and ignores the rest', () => {
    const text = fixture('stat-1.txt');
    const stat = parseStat(text);
    const cpuLines = text.split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
    assert.equal(stat.cores.length, cpuLines);
    assert.deepEqual(stat.total, { ...jiffies(3363, 1650, 49526, 294, 7), softirq: 57 });
    assert.equal(stat.cores[1]?.user, 2156);
  });

  it('parses /proc/meminfo into bytes', () => {
    const mem = parseMeminfo(fixture('meminfo-1.txt'));
    const kb = Number(/^MemTotal:\s+(\d+)/m.exec(fixture('meminfo-1.txt'))?.[1]);
    assert.equal(mem.total, kb * 1024);
    assert.ok(mem.available > 0 && mem.available <= mem.total);
    assert.equal(mem.swapTotal, 0);
  });

  it('falls back to free + buffers + cached without MemAvailable (Linux < 3.14)', () => {
    const mem = parseMeminfo(
      'MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 200 kB\nSwapTotal: 50 kB\nSwapFree: 20 kB\n',
    );
    assert.deepEqual(mem, { total: 1024000, available: 310 * 1024, swapTotal: 51200, swapFree: 20480 });
  });

  it('parses loadavg and uptime', () => {
    assert.deepEqual(parseLoadavg('0.15 0.14 0.06 1/86 3844\n'), { avg: [0.15, 0.14, 0.06], lastPid: 3844 });
    assert.equal(parseUptime(fixture('uptime-1.txt')), Number(fixture('uptime-1.txt').split(' ')[0]));
  });

  it('parses /proc/net/dev without lo', () => {
    const net = parseNetDev(fixture('net-dev-1.txt'));
    assert.deepEqual(
      net.map((n) => n.name),
      ['ifb0', 'ifb1', 'eth0'],
    );
    assert.ok((net.find((n) => n.name === 'eth0')?.rx ?? 0) > 0);
  });

  it('keeps only the whole disk from this machine (no loop, no zram)', () => {
    assert.deepEqual(
      parseDiskstats(fixture('diskstats-1.txt')).map((d) => d.name),
      ['vda'],
    );
  });

  it('keeps only the ext4 root from this machine’s mounts', () => {
    assert.deepEqual(parseMounts(fixture('mounts.txt')), [
      { device: '/dev/vda', mount: '/', fstype: 'ext4' },
    ]);
  });
});

describe('parser decisions on a hand-made KVM host', () => {
  it('counts physical disks once: no partitions, md, dm, loop, ram, zram, nbd, NVMe paths, eMMC boot areas', () => {
    const disks = parseDiskstats(fixture('diskstats-kvm-host.txt'));
    assert.deepEqual(
      disks.map((d) => d.name),
      ['sda', 'sdb', 'sdaa', 'nvme0n1', 'sr0', 'mmcblk0', 'sdp', 'nvme0n12'],
    );
    assert.deepEqual(disks[0], { name: 'sda', read: 9600000 * 512, written: 6400000 * 512 });
  });

  it('lists data filesystems once per device, unescaping paths', () => {
    assert.deepEqual(
      parseMounts(fixture('mounts-kvm-host.txt')).map((m) => `${m.mount} ${m.fstype}`),
      [
        '/ ext4',
        '/boot/efi vfat',
        '/var/lib/libvirt/images xfs',
        '/srv/backup btrfs',
        '/mnt/iso nfs4',
        '/tank/vms zfs',
        '/media/USB Stick vfat',
      ],
    );
  });

  it('keeps an overlay root on a live system, but not its medium or scratch tmpfs', () => {
    assert.deepEqual(parseMounts(fixture('mounts-live-iso.txt')), [
      { device: 'overlay', mount: '/', fstype: 'overlay' },
    ]);
  });

  it('totals network traffic over physical NICs only', () => {
    const counted = parseNetDev(fixture('net-dev-kvm-host.txt'))
      .map((n) => n.name)
      .filter(countsTowardNetTotal);
    assert.deepEqual(counted, ['eno1', 'eno2', 'wlp3s0']);
  });
});

describe('deltas', () => {
  it('computes a valid sample from two recorded readings', () => {
    const root: FsUsage = { mount: '/', fstype: 'ext4', size: 100, used: 40, available: 55 };
    const s = TelemetrySample.parse(
      computeSample(recorded(1, 0), recorded(2, 1000, [root]), 1_795_725_000_000),
    );
    assert.equal(s.interval, 1);
    assert.equal(s.cpu.cores.length, 2);
    assert.ok(s.cpu.total > 0 && s.cpu.total < 100);
    // 20 MiB written with dd between the two recordings
    assert.ok(s.disk.writeBps >= 20 * 1024 * 1024, `writeBps ${s.disk.writeBps}`);
    assert.deepEqual(s.filesystems, [root]);
    assert.deepEqual(s.load, parseLoadavg(fixture('loadavg-2.txt')).avg);
  });

  it('turns counters that went backwards into 0, never negative', () => {
    const a = recorded(1, 0);
    const b = recorded(2, 1000);
    b.net = a.net.map((n) => ({ ...n, rx: 0, tx: 10 })); // NIC re-created: counters reset
    b.disks = a.disks.map((d) => ({ ...d, read: d.read - 4096 })); // disk re-attached
    b.cpu = { total: { ...b.cpu.total, iowait: a.cpu.total.iowait - 3 }, cores: b.cpu.cores };
    const s = TelemetrySample.parse(computeSample(a, b, 1));
    assert.equal(s.net.rxBps, 0);
    assert.ok(s.net.interfaces.every((i) => i.rxBps === 0));
    assert.equal(s.disk.readBps, 0);
    assert.equal(counterDelta(2 ** 32 - 10, 5), 0);
  });

  it('reads an offline core as 0 and keeps the others in place', () => {
    const prev = { total: jiffies(0, 0, 0), cores: [jiffies(0, 0, 0), jiffies(0, 0, 0), jiffies(0, 0, 0)] };
    const cur = { total: jiffies(150, 0, 150), cores: [jiffies(100, 0, 0), null, jiffies(50, 0, 50)] };
    assert.deepEqual(cpuPercent(prev, cur).cores, [100, 0, 50]);
    // and a core that comes back online reads 0 for its first interval
    const back = {
      total: jiffies(200, 0, 200),
      cores: [jiffies(120, 0, 0), jiffies(5, 0, 5), jiffies(60, 0, 60)],
    };
    assert.deepEqual(cpuPercent(cur, back).cores, [100, 0, 50]);
  });

  it('splits busy time into user, system, iowait and steal', () => {
    const cpu = cpuPercent(
      { total: jiffies(0, 0, 0), cores: [] },
      { total: jiffies(30, 20, 30, 10, 10), cores: [] },
    );
    assert.deepEqual(cpu, { total: 60, user: 30, system: 20, iowait: 10, steal: 10, cores: [] });
  });

  it('lists an interface that appeared between samples at 0 until it has a previous reading', () => {
    const a = recorded(1, 0);
    const b = recorded(2, 500);
    b.net = [...b.net, { name: 'vnet7', rx: 9_000_000, tx: 9_000_000 }];
    const s = TelemetrySample.parse(computeSample(a, b, 1));
    assert.deepEqual(s.net.interfaces.at(-1), { name: 'vnet7', rxBps: 0, txBps: 0 });
    const eth0a = a.net.find((n) => n.name === 'eth0');
    const eth0b = b.net.find((n) => n.name === 'eth0');
    assert.ok(eth0a && eth0b);
    assert.equal(s.net.rxBps, Math.round((eth0b.rx - eth0a.rx) / 0.5)); // ifb* and vnet7 are not counted
  });

  it('survives two readings with the same stamp', () => {
    const a = recorded(1, 10);
    assert.doesNotThrow(() => TelemetrySample.parse(computeSample(a, a, 1)));
  });
});
