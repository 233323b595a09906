/** A key: one printable character, or one of these names. */
export type Key = string;
export const KEY = {
  enter: 'enter',
  escape: 'escape',
  backspace: 'backspace',
  ctrlC: 'ctrl-c',
  ctrlD: 'ctrl-d',
  ctrlL: 'ctrl-l',
  up: 'up',
  down: 'down',
  pageUp: 'page-up',
  pageDown: 'page-down',
  other: 'other',
} as const;

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
type Output = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };

export interface Terminal {
  write(text: string): void;
  /** clears the screen and writes `text` from the top left */
  screen(text: string): void;
  /** the next key; null once the input has ended */
  key(): Promise<Key | null>;
  /** a line typed after `prompt`, echoed unless `secret`; null when cancelled (Esc, Ctrl-C) or ended */
  readLine(prompt: string, opts?: { secret?: boolean }): Promise<string | null>;
  /** gives the terminal to `fn` (an interactive program) and takes it back afterwards */
  handOver<T>(fn: () => Promise<T>): Promise<T>;
  size(): { cols: number; rows: number };
  /** true once the input has ended */
  ended(): boolean;
  close(): void;
}

// CSI (ESC [ … final byte) and SS3 (ESC O x) sequences: arrows, page keys, function keys
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what these sequences start with
const ESCAPE_SEQUENCE = /^\x1b(\[[0-9;?]*[\x40-\x7e]|O[\x40-\x7e])/;
const NAMED_SEQUENCES: Record<string, Key> = {
  '\x1b[A': KEY.up,
  '\x1bOA': KEY.up,
  '\x1b[B': KEY.down,
  '\x1bOB': KEY.down,
  '\x1b[5~': KEY.pageUp,
  '\x1b[6~': KEY.pageDown,
};
const CONTROL: Record<string, Key> = {
  '\r': KEY.enter,
  '\n': KEY.enter,
  '\x7f': KEY.backspace,
  '\b': KEY.backspace,
  '\x03': KEY.ctrlC,
  '\x04': KEY.ctrlD,
  '\x0c': KEY.ctrlL,
};

/** Splits what the terminal sent into keys (`\r\n` is one Enter). */
export function parseKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  let rest = chunk;
  while (rest.length > 0) {
    const seq = ESCAPE_SEQUENCE.exec(rest)?.[0];
    if (seq) {
      keys.push(NAMED_SEQUENCES[seq] ?? KEY.other);
      rest = rest.slice(seq.length);
      continue;
    }
    const ch = String.fromCodePoint(rest.codePointAt(0) ?? 0);
    rest = rest.slice(ch.length);
    if (ch === '\r' && rest.startsWith('\n')) rest = rest.slice(1);
    if (ch === '\x1b') keys.push(KEY.escape);
    else if (CONTROL[ch]) keys.push(CONTROL[ch]);
    else if (ch >= ' ') keys.push(ch);
  }
  return keys;
}

/**
 * The console's terminal over a pair of streams: raw mode when the input is a TTY (keys one by one,
 * no echo, Ctrl-C a key and not a signal), plain ANSI only (clear screen + home), no terminfo.
 * Piped streams work the same, which is how the tests drive it.
 */
export function createTerminal(io: { input: Input; output: Output }): Terminal {
  const { input, output } = io;
  const tty = input.isTTY === true && typeof input.setRawMode === 'function';
  const queue: Key[] = [];
  let waiter: ((k: Key | null) => void) | null = null;
  let done = false;

  const onData = (chunk: string | Buffer) => {
    for (const k of parseKeys(chunk.toString())) {
      if (waiter) {
        const w = waiter;
        waiter = null;
        w(k);
      } else queue.push(k);
    }
  };
  const onEnd = () => {
    done = true;
    waiter?.(null);
    waiter = null;
  };
  const attach = () => {
    if (tty) input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  };
  const detach = () => {
    input.off('data', onData);
    input.pause();
    if (tty) input.setRawMode?.(false);
  };
  input.setEncoding('utf8');
  input.on('end', onEnd);
  input.on('close', onEnd);
  attach();

  const key = (): Promise<Key | null> => {
    const k = queue.shift();
    if (k !== undefined) return Promise.resolve(k);
    if (done) return Promise.resolve(null);
    return new Promise((resolve) => {
      waiter = resolve;
    });
  };
  const write = (text: string) => {
    if (output.writable) output.write(text);
  };

  return {
    write,
    screen: (text) => write(`\x1b[H\x1b[2J${text}\n`),
    key,
    async readLine(prompt, opts = {}) {
      write(prompt);
      let line = '';
      for (;;) {
        const k = await key();
        if (k === null || k === KEY.escape || k === KEY.ctrlC || (k === KEY.ctrlD && line === '')) {
          write('\n');
          return null;
        }
        if (k === KEY.enter) {
          write('\n');
          return line;
        }
        if (k === KEY.backspace) {
          if (line.length > 0) {
            line = [...line].slice(0, -1).join('');
            if (!opts.secret) write('\b \b');
          }
        } else if ([...k].length === 1) {
          line += k;
          if (!opts.secret) write(k);
        }
      }
    },
    async handOver(fn) {
      detach();
      queue.length = 0; // keys typed before belong to the console, not to the program
      try {
        return await fn();
      } finally {
        queue.length = 0;
        if (!done) attach();
      }
    },
    size: () => ({
      cols: output.isTTY && output.columns ? output.columns : 80,
      rows: output.isTTY && output.rows ? output.rows : 24,
    }),
    ended: () => done,
    close() {
      detach();
      input.off('end', onEnd);
      input.off('close', onEnd);
    },
  };
}
