import pino, { type Logger } from 'pino';
import { createLogSink, type LogSink } from './log-sink.ts';

export type { Logger };

const WARN = 40;

/**
 * A server's own log: JSON lines in `file` (the host's `<data>/logs/quantix-host.log`; mode 0600,
 * rotated to `.1` past 16 MiB), each with `service`, warnings and errors also on stderr. Secrets
 * never reach it: the redact list covers the fields that carry them. Logging never fails the
 * server: when the data disk is full the lines are dropped and counted (`onFault` is told once),
 * and a line says how many once it can write again.
 */
export function createLogger(opts: {
  file: string;
  level: string;
  /** the `service` of every line (`quantix-host`) */
  service: string;
  onFault?: (err: NodeJS.ErrnoException) => void;
}): Logger {
  const notice = (dropped: number, reason: string) =>
    `${JSON.stringify({
      level: WARN,
      time: new Date().toISOString(),
      service: opts.service,
      droppedLines: dropped,
      reason,
      msg: `${dropped} log lines were dropped while the log could not be written (${reason})`,
    })}\n`;
  const file = createLogSink({
    target: { file: opts.file },
    dropNotice: notice,
    ...(opts.onFault ? { onFault: opts.onFault } : {}),
  });
  const stderr = createLogSink({ target: { fd: 2 }, dropNotice: notice });
  return pino(
    {
      level: opts.level,
      base: { service: opts.service },
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
    tee(file, stderr),
  );
}

/** One pino destination: every line to the file, warnings and worse to stderr as well. */
function tee(file: LogSink, stderr: LogSink): pino.DestinationStream {
  const dest = {
    // asks pino to set lastLevel before each write (pino's documented metadata protocol)
    [pino.symbols.needsMetadataGsym]: true,
    lastLevel: 0,
    write(line: string) {
      file.write(line);
      if (dest.lastLevel >= WARN) stderr.write(line);
    },
    flush(cb: (err?: Error) => void) {
      let left = 2;
      const done = () => {
        if (--left === 0) cb();
      };
      file.flush(done);
      stderr.flush(done);
    },
    flushSync() {
      file.flushSync();
      stderr.flushSync();
    },
  };
  return dest;
}
