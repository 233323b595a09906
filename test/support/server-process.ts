import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CookieJar, type HttpResponse, request } from './https-client.ts';

export const REPO = resolve(import.meta.dirname, '../..');

/** A Quantix server process (host or hub) started by a test. */
export interface RunningServer {
  url: string;
  origin: string;
  port: number;
  pid: number;
  dataDir: string;
  /** the certificate PEM, to verify TLS against */
  ca: string;
  output: () => string;
  /** SIGTERM, waiting for the exit */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
  api(
    path: string,
    opts?: {
      method?: string;
      body?: unknown;
      headers?: Record<string, string>;
      jar?: CookieJar;
      timeoutMs?: number;
    },
  ): Promise<HttpResponse>;
}

export function tempDataDir(prefix = 'qx-server-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts `<cli> serve --listen 127.0.0.1:<port> --data <dir>` and waits for its listening line. */
export async function startServerProcess(opts: {
  cli: string;
  name: string;
  dataDir: string;
  env?: Record<string, string>;
  port?: number;
  args?: string[];
  /** a command that execs the server (nsenter into a namespace): its pid stays the server's */
  wrap?: string[];
}): Promise<RunningServer> {
  const [cmd, ...pre] = [...(opts.wrap ?? []), process.execPath];
  const child = spawn(
    cmd ?? process.execPath,
    [
      ...pre,
      opts.cli,
      'serve',
      '--listen',
      `127.0.0.1:${opts.port ?? 0}`,
      '--data',
      opts.dataDir,
      ...(opts.args ?? []),
    ],
    { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`${opts.name} did not start in 20 s:\n${out}`)), 20_000);
    const check = () => {
      const m = /^listening https:\/\/127\.0\.0\.1:(\d+)$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited with ${code} before listening:\n${out}`));
    });
  });
  const ca = readFileSync(join(opts.dataDir, 'tls', 'cert.pem'), 'utf8');
  const url = `https://127.0.0.1:${port}`;
  return serverHandle(child, { url, port, dataDir: opts.dataDir, ca, exited, output: () => out });
}

function serverHandle(
  child: ChildProcess,
  h: {
    url: string;
    port: number;
    dataDir: string;
    ca: string;
    exited: Promise<number | null>;
    output: () => string;
  },
): RunningServer {
  const pid = child.pid ?? -1;
  return {
    url: h.url,
    origin: h.url,
    port: h.port,
    pid,
    dataDir: h.dataDir,
    ca: h.ca,
    output: h.output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => process.kill(pid, 'SIGKILL'), 5000);
      const code = await h.exited;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(pid, 'SIGKILL');
      await h.exited;
    },
    async api(path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      const cookie = o.jar?.header();
      if (cookie) headers.cookie = cookie;
      const res = await request(`${h.url}${path}`, {
        method: o.method ?? 'GET',
        headers,
        body: o.body,
        ca: h.ca,
        ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      });
      o.jar?.store(res);
      return res;
    },
  };
}

/** Runs the CLI against a data dir, feeding stdin; resolves with exit code and output. */
export function runCliOf(
  cli: string,
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

export const ADMIN = { username: 'admin', password: 'correct horse battery' };

/** Completes first-run setup through the CLI's setup code; returns the admin's cookie jar. */
export async function setupAdminOf(cli: string, server: RunningServer): Promise<CookieJar> {
  const code =
    (await runCliOf(cli, ['setup-code', '--data', server.dataDir])).stdout.split('\n')[0]?.trim() ?? '';
  const jar = new CookieJar();
  const res = await server.api('/api/v1/setup', { method: 'POST', body: { code, ...ADMIN }, jar });
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${res.text}`);
  return jar;
}

/** Starts a second `serve` on a data directory another process holds; resolves when it exits. */
export function serveAgain(cli: string, dataDir: string): Promise<{ code: number | null; err: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [cli, 'serve', '--listen', '127.0.0.1:0', '--data', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, err });
    });
  });
}

/** The status of a login as `admin` with `password`. */
export async function loginStatus(server: RunningServer, password: string): Promise<number> {
  return (
    await server.api('/api/v1/auth/login', { method: 'POST', body: { username: ADMIN.username, password } })
  ).status;
}
