import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { markSwtpmLog, type SwtpmLogFiles, swtpmLastWords, withSwtpmWords } from './swtpm-log.ts';

// Recorded on Debian 12 (swtpm 0.7.1, libvirt 9.0): a first start that worked, then one where
// /var/lib/swtpm-localca was not writable for tss.
const FIRST = `Starting vTPM manufacturing as tss:tss @ Wed 02 Dec 2026 09:24:12 PM UTC
Successfully created RSA 2048 EK with handle 0x81010001.
  Invoking /usr/bin/swtpm_localca --type ek --ek 8cdf --dir /tmp/swtpm_setup.certs.DILUZ3 --tpm2
Creating root CA and a local CA's signing key and issuer cert.
Successfully created EK certificate locally.
Successfully authored TPM state.
Ending vTPM manufacturing @ Wed 02 Dec 2026 09:24:13 PM UTC

`;
const SETUP_FAILED = `Starting vTPM manufacturing as tss:tss @ Wed 02 Dec 2026 09:43:21 PM UTC
Successfully created RSA 2048 EK with handle 0x81010001.
  Invoking /usr/bin/swtpm_localca --type ek --ek cd2d --dir /tmp/swtpm_setup.certs.ISO6Z3 --tpm2
Need read/write rights on statedir /var/lib/swtpm-localca for user tss.
swtpm_localca exit with status 1: 
An error occurred. Authoring the TPM state failed.
Error getting next filename: No child processes
Ending vTPM manufacturing @ Wed 02 Dec 2026 09:43:22 PM UTC
`;
// the next start of that VM (CI, 2026-12-02): swtpm_setup worked, then swtpm itself exited
const SWTPM_EXITED = `Starting vTPM manufacturing as tss:tss @ Wed 02 Dec 2026 09:43:25 PM UTC
Successfully created RSA 2048 EK with handle 0x81010001.
Successfully authored TPM state.
Ending vTPM manufacturing @ Wed 02 Dec 2026 09:43:26 PM UTC
Could not change permssions on UnixIO socket: Operation not permitted
`;
const NAMED = `internal error: Could not run '/usr/bin/swtpm_setup'. exitstatus: 1; Check error log '/var/log/swtpm/libvirt/qemu/w11-swtpm.log' for details.`;
const REFUSED = `internal error: process exited while connecting to monitor: 2026-12-02T21:43:26.927145Z qemu-system-x86_64: -chardev socket,id=chrtpm,path=/run/libvirt/qemu/swtpm/289-w11-swtpm.sock: Failed to connect to '/run/libvirt/qemu/swtpm/289-w11-swtpm.sock': Connection refused`;

/** a log file that grows as swtpm writes it; reads are counted */
function logFile(initial: string) {
  let text = initial;
  const reads: string[] = [];
  const fs: SwtpmLogFiles = {
    size: async () => Buffer.byteLength(text),
    read: async (p) => {
      reads.push(p);
      return Buffer.from(text);
    },
  };
  return { fs, reads, write: (more: string) => (text += more), cut: () => (text = '') };
}

describe('swtpm log', () => {
  it("finds swtpm's reason in what one start wrote, without the routine lines", () => {
    assert.equal(
      swtpmLastWords(SETUP_FAILED),
      'Need read/write rights on statedir /var/lib/swtpm-localca for user tss. swtpm_localca exit with status 1: An error occurred. Authoring the TPM state failed. Error getting next filename: No child processes',
    );
    assert.equal(swtpmLastWords(FIRST), null, 'a run that worked says nothing');
  });

  it("adds swtpm_setup's words to the error that names its log, and keeps its code", async () => {
    const log = logFile(FIRST);
    const mark = await markSwtpmLog('w11', log.fs);
    assert.deepEqual(mark, { path: '/var/log/swtpm/libvirt/qemu/w11-swtpm.log', offset: FIRST.length });
    log.write(SETUP_FAILED);
    const err = await withSwtpmWords(new AppError('LIBVIRT_ERROR', NAMED), mark, log.fs);
    assert.deepEqual(log.reads, ['/var/log/swtpm/libvirt/qemu/w11-swtpm.log']);
    assert.equal(err.code, 'LIBVIRT_ERROR');
    assert.match(err.message, /\nswtpm: Need read\/write rights on statedir/);
  });

  it("adds swtpm's own last words when QEMU found its socket dead, and only this start's", async () => {
    const log = logFile(FIRST + SETUP_FAILED);
    const mark = await markSwtpmLog('w11', log.fs);
    log.write(SWTPM_EXITED);
    const err = await withSwtpmWords(new AppError('LIBVIRT_ERROR', REFUSED), mark, log.fs);
    assert.ok(err.message.startsWith(REFUSED));
    assert.equal(
      err.message.slice(REFUSED.length),
      '\nswtpm: Could not change permssions on UnixIO socket: Operation not permitted',
      "the earlier start's setup failure is not this one's",
    );
  });

  it('reads a log cut shorter since the mark (rotated) from its start', async () => {
    const log = logFile(FIRST + SETUP_FAILED);
    const mark = await markSwtpmLog('w11', log.fs);
    log.cut();
    log.write(SWTPM_EXITED);
    const err = await withSwtpmWords(new AppError('LIBVIRT_ERROR', REFUSED), mark, log.fs);
    assert.match(err.message, /\nswtpm: Could not change permssions/);
  });

  it('leaves other errors, starts that wrote nothing, unreadable logs and odd names alone', async () => {
    const log = logFile(FIRST);
    const mark = await markSwtpmLog('w11', log.fs);
    const other = new AppError('LIBVIRT_ERROR', 'internal error: qemu unexpectedly closed the monitor');
    assert.equal(await withSwtpmWords(other, mark, log.fs), other);
    assert.deepEqual(log.reads, [], 'an error that is not about swtpm does not read its log');
    const quiet = new AppError('LIBVIRT_ERROR', REFUSED);
    assert.equal(await withSwtpmWords(quiet, mark, log.fs), quiet);
    const gone = { ...log.fs, read: () => Promise.reject(new Error('ENOENT')) };
    assert.equal(await withSwtpmWords(quiet, mark, gone), quiet);
    assert.deepEqual(
      await markSwtpmLog('new', { ...log.fs, size: () => Promise.reject(new Error('ENOENT')) }),
      {
        path: '/var/log/swtpm/libvirt/qemu/new-swtpm.log',
        offset: 0,
      },
    );
    assert.equal(await markSwtpmLog('a/../../etc/x', log.fs), null);
    assert.equal(await withSwtpmWords(quiet, null, log.fs), quiet);
  });
});
