import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ControlRequest } from '@quantix/shared';
import { controlOf } from '@quantix/shared/server';
import { createConsoleControl, createServiceView } from './console-control.ts';
import { STATUS } from './fake-system.test-helper.ts';

const dir = mkdtempSync(join(tmpdir(), 'qx-console-control-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const local = async () => ({
  hostname: 'qx-test',
  addresses: [{ iface: 'eno1', address: '10.0.0.7', family: 'IPv4' as const }],
});

describe('console control', () => {
  it('sends the console commands and parses the answers', async () => {
    const sent: ControlRequest[] = [];
    const control = createConsoleControl(async (req) => {
      sent.push(req);
      return req.cmd === 'console-status' ? STATUS : null;
    });
    assert.deepEqual(await control.status(), STATUS);
    await control.passwd('admin', 'correct horse battery');
    await control.createAdmin('admin', 'correct horse battery');
    assert.deepEqual(
      sent.map((r) => r.cmd),
      ['console-status', 'passwd', 'create-admin'],
    );
    await assert.rejects(control.mintToken(), { name: 'ZodError' });
  });

  it('says the service is up with its status', async () => {
    const view = createServiceView({ control: { status: async () => STATUS }, timeoutMs: 1000, local });
    assert.deepEqual(await view(), { kind: 'up', status: STATUS });
  });

  it('says it is not running when no control socket answers, with the local hostname and addresses', async () => {
    const control = createConsoleControl(controlOf(dir, 'quantix-host')); // no server in this dir
    const view = createServiceView({ control, timeoutMs: 1000, local });
    assert.deepEqual(await view(), { kind: 'down', why: 'absent', ...(await local()) });
  });

  it('says it does not answer when the status takes too long, and still answers itself', async () => {
    const view = createServiceView({
      control: { status: () => new Promise(() => undefined) },
      timeoutMs: 50,
      local: () => Promise.reject(new Error('no /proc')),
    });
    assert.deepEqual(await view(), { kind: 'down', why: 'silent', hostname: '', addresses: [] });
  });
});
