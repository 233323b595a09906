import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The appliance's own log: JSON lines in `<data>/logs/quantix-host.log`, warnings and errors
 * also on stderr. Secrets never reach it: the redact list covers the fields that carry them.
 */
export function createLogger(opts: { file: string; level: string }): Logger {
  mkdirSync(dirname(opts.file), { recursive: true, mode: 0o700 });
  const streams = pino.multistream([
    {
      level: opts.level as pino.Level,
      stream: pino.destination({ dest: opts.file, mkdir: true, sync: false }),
    },
    { level: 'warn', stream: pino.destination({ dest: 2, sync: false }) },
  ]);
  return pino(
    {
      level: opts.level,
      base: { service: 'quantix-host' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'secret',
          '*.secret',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    streams,
  );
}
