import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@quantix/shared';
import { swtpmLastWords, withSwtpmWords } from './swtpm-log.ts';

// Recorded on Debian 12 (swtpm 0.7.1, libvirt 9.0): a first start that worked, then one where
// /var/lib/swtpm-localca was not writable for tss.
const LOG = `Starting vTPM manufacturing as tss:tss @ Wed 02 Dec 2026 09:24:12 PM UTC
Successfully created RSA 2048 EK with handle 0x81010001.
  Invoking /usr/bin/swtpm_localca --type ek --ek 8cdf --dir /tmp/swtpm_setup.certs.DILUZ3 --tpm2
Creating root CA and a local CA's signing key and issuer cert.
Successfully created EK certificate locally.
Successfully authored TPM state.
Ending vTPM manufacturing @ Wed 02 Dec 2026 09:24:13 PM UTC

Starting vTPM manufacturing as tss:tss @ Wed 02 Dec 2026 09:43:21 PM UTC
Successfully created RSA 2048 EK with handle 0x81010001.
  Invoking /usr/bin/swtpm_localca --type ek --ek cd2d --dir /tmp/swtpm_setup.certs.ISO6Z3 --tpm2
Need read/write rights on statedir /var/lib/swtpm-localca for user tss.
swtpm_localca exit with status 1: 
An error occurred. Authoring the TPM state failed.
Error getting next filename: No child processes
Ending vTPM manufacturing @ Wed 02 Dec 2026 09:43:22 PM UTC
`;
const LIBVIRT = `internal error: Could not run '/usr/bin/swtpm_setup'. exitstatus: 1; Check error log '/var/log/swtpm/libvirt/qemu/w11-swtpm.log' for details.`;

describe('swtpm log', () => {
  it("finds swtpm's reason in its last run, without the routine lines", () => {
    assert.equal(
      swtpmLastWords(LOG),
      'Need read/write rights on statedir /var/lib/swtpm-localca for user tss. swtpm_localca exit with status 1: An error occurred. Authoring the TPM state failed. Error getting next filename: No child processes',
    );
    assert.equal(swtpmLastWords(LOG.slice(0, LOG.indexOf('\n\n'))), null, 'a run that worked says nothing');
  });

  it('adds those words to the error that names the log, and keeps its code', async () => {
    const read: string[] = [];
    const err = await withSwtpmWords(new AppError('LIBVIRT_ERROR', LIBVIRT), async (p) => {
      read.push(p);
      return LOG;
    });
    assert.deepEqual(read, ['/var/log/swtpm/libvirt/qemu/w11-swtpm.log']);
    assert.equal(err.code, 'LIBVIRT_ERROR');
    assert.match(err.message, /\nswtpm: Need read\/write rights on statedir/);
  });

  it('leaves other errors, unreadable logs and odd paths alone', async () => {
    const never = async () => assert.fail('not read');
    const other = new AppError('LIBVIRT_ERROR', 'internal error: qemu unexpectedly closed the monitor');
    assert.equal(await withSwtpmWords(other, never), other);
    const gone = new AppError('LIBVIRT_ERROR', LIBVIRT);
    assert.equal(await withSwtpmWords(gone, () => Promise.reject(new Error('ENOENT'))), gone);
    const odd = new AppError('LIBVIRT_ERROR', "Check error log '/var/log/swtpm/../../etc/x-swtpm.log'");
    assert.equal(await withSwtpmWords(odd, never), odd);
  });
});
