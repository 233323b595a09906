// The serial console's terminal: xterm.js and its fit add-on, in a chunk of its own that only the
// Serial console tab loads (see ConsoleApi.loadTerminal).
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { installStyleShim } from './csp-style-shim.ts';

export interface SerialTerminal {
  write(data: Uint8Array | string): void;
  onInput(fn: (data: string) => void): void;
  fit(): void;
  focus(): void;
  /** the text on screen (tests, and copying) */
  text(): string;
  dispose(): void;
}

export function openTerminal(el: HTMLElement): SerialTerminal {
  const removeShim = installStyleShim(el.ownerDocument);
  const term = new Terminal({
    convertEol: false,
    cursorBlink: true,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace',
    fontSize: 14,
    scrollback: 5000,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(el);
  fit.fit();
  return {
    write: (data) => term.write(data),
    onInput: (fn) => {
      term.onData(fn);
    },
    fit: () => fit.fit(),
    focus: () => term.focus(),
    text() {
      const buf = term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n');
    },
    dispose() {
      term.dispose();
      removeShim();
    },
  };
}
