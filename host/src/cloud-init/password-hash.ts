import { execFile } from 'node:child_process';
import { AppError } from '@quantix/shared';

/**
 * A SHA-512 crypt(3) hash (`$6$<salt>$…`) of a password, as cloud-init hands it to the guest's
 * shadow file. openssl (on every Debian host: ca-certificates needs it) makes it with a random
 * salt; the password goes in on stdin, never on a command line that `ps` shows.
 */
export function hashPassword(password: string): Promise<string> {
  if (/[\r\n]/.test(password)) {
    return Promise.reject(new AppError('VALIDATION_FAILED', 'a password is one line'));
  }
  return new Promise((resolve, reject) => {
    const child = execFile(
      'openssl',
      ['passwd', '-6', '-stdin'],
      { timeout: 10_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const hash = stdout.trim();
        if (err || !/^\$6\$[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{86}$/.test(hash)) {
          reject(new AppError('INTERNAL', `cannot hash the password: ${stderr.trim() || err?.message}`));
        } else resolve(hash);
      },
    );
    child.stdin?.end(`${password}\n`);
  });
}
