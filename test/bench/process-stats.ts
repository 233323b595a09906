import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:https';

const CLK_TCK = 100; // Linux USER_HZ

/** RSS in bytes from /proc/<pid>/status. */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

/** CPU seconds (user + system) consumed so far by pid, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] = utime, [12] = stime, [13] = cutime, [14] = cstime (0-based after the comm)
  const ticks = [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i] ?? 0), 0);
  return ticks / CLK_TCK;
}

export interface Started {
  child: ChildProcess;
  pid: number;
  port: number;
  /** ms from spawn to the first HTTPS 200 */
  startMs: number;
  stop(): Promise<void>;
}

/**
 * Spawns a server that prints `listening https://127.0.0.1:PORT`, then polls `probePath` until it
 * answers 200 and reports the time from spawn to that first 200.
 */
export async function startServer(
  args: string[],
  probePath: string,
  ca: string,
  env?: NodeJS.ProcessEnv,
): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const pid = child.pid ?? -1;
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start in 20 s')), 20_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  for (let i = 0; i < 400; i++) {
    if ((await get(port, probePath, ca)) === 200) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const startMs = performance.now() - t0;
  return {
    child,
    pid,
    port,
    startMs,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => process.kill(pid, 'SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

export function get(
  port: number,
  path: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, ca, agent: false, headers, servername: 'localhost' },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end();
  });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Every live descendant of `root` (children, grandchildren, …), from the ppid field of /proc/<pid>/stat. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** The executable path of a live process, or '' when it is gone. */
export function exeOf(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return '';
  }
}

/**
 * CPU seconds of a whole process tree selected by `match` (e.g. every chromium process under this
 * one). Each process counts its own time and that of its reaped children, so a renderer that exits
 * mid-window is not lost: its time moves into its parent's.
 */
export function treeCpuSeconds(root: number, match: (pid: number) => boolean): number {
  let total = 0;
  for (const pid of descendantsOf(root)) {
    if (!match(pid)) continue;
    try {
      total += cpuSecondsOf(pid);
    } catch {
      // exited between the listing and the read
    }
  }
  return total;
}
