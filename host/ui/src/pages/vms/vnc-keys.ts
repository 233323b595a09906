// Keys for the VNC console beyond what the browser lets a page catch (Ctrl+Alt+Del, Ctrl+Alt+Fn,
// Alt+Tab …) and text pasted as keystrokes. Each key is an X keysym plus the physical key's code,
// so QEMU's extended key events (which noVNC uses when the server has them) get the right
// scancode whatever the guest's layout believes. Text is typed as on a US keyboard.

export interface Key {
  readonly keysym: number;
  readonly code: string;
}

const k = (keysym: number, code: string): Key => ({ keysym, code });
export const KEYS = {
  ctrl: k(0xffe3, 'ControlLeft'),
  alt: k(0xffe9, 'AltLeft'),
  shift: k(0xffe1, 'ShiftLeft'),
  meta: k(0xffeb, 'MetaLeft'),
  del: k(0xffff, 'Delete'),
  backspace: k(0xff08, 'Backspace'),
  tab: k(0xff09, 'Tab'),
  enter: k(0xff0d, 'Enter'),
  esc: k(0xff1b, 'Escape'),
  print: k(0xff61, 'PrintScreen'),
  f: (n: number) => k(0xffbe + n - 1, `F${n}`),
};

export interface Combo {
  readonly id: string;
  readonly label: string;
  readonly keys: readonly Key[];
}

export const COMBOS: readonly Combo[] = [
  { id: 'ctrl-alt-del', label: 'Ctrl+Alt+Del', keys: [KEYS.ctrl, KEYS.alt, KEYS.del] },
  { id: 'ctrl-alt-backspace', label: 'Ctrl+Alt+Backspace', keys: [KEYS.ctrl, KEYS.alt, KEYS.backspace] },
  ...[1, 2, 3, 4, 5, 6, 7].map((n) => ({
    id: `ctrl-alt-f${n}`,
    label: `Ctrl+Alt+F${n}`,
    keys: [KEYS.ctrl, KEYS.alt, KEYS.f(n)],
  })),
  { id: 'alt-tab', label: 'Alt+Tab', keys: [KEYS.alt, KEYS.tab] },
  { id: 'alt-f4', label: 'Alt+F4', keys: [KEYS.alt, KEYS.f(4)] },
  { id: 'ctrl-esc', label: 'Ctrl+Esc', keys: [KEYS.ctrl, KEYS.esc] },
  { id: 'meta', label: 'Windows / Super', keys: [KEYS.meta] },
  { id: 'print', label: 'Print Screen', keys: [KEYS.print] },
  { id: 'esc', label: 'Esc', keys: [KEYS.esc] },
];

export type SendKey = (keysym: number, code: string, down: boolean) => void;

/** Presses the keys in order and releases them in reverse, as fingers would. */
export function pressCombo(send: SendKey, keys: readonly Key[]): void {
  for (const key of keys) send(key.keysym, key.code, true);
  for (const key of [...keys].reverse()) send(key.keysym, key.code, false);
}

export interface Stroke {
  readonly key: Key;
  readonly shift: boolean;
}

/** Longest text typed in one paste. */
export const PASTE_MAX_CHARS = 2000;
/** Pause after each character: guests' input paths (a BIOS, a login screen) drop faster typing. */
export const PASTE_DELAY_MS = 25;

const SHIFTED_DIGITS = ')!@#$%^&*(';
const PUNCT: Record<string, [string, string]> = {
  // code: [unshifted, shifted]
  Minus: ['-', '_'],
  Equal: ['=', '+'],
  BracketLeft: ['[', '{'],
  BracketRight: [']', '}'],
  Backslash: ['\\', '|'],
  Semicolon: [';', ':'],
  Quote: ["'", '"'],
  Comma: [',', '<'],
  Period: ['.', '>'],
  Slash: ['/', '?'],
  Backquote: ['`', '~'],
};
const PUNCT_OF = new Map<string, Stroke>();
for (const [code, [plain, shifted]] of Object.entries(PUNCT)) {
  PUNCT_OF.set(plain, { key: k(plain.charCodeAt(0), code), shift: false });
  PUNCT_OF.set(shifted, { key: k(shifted.charCodeAt(0), code), shift: true });
}

/** The keystroke for one character on a US keyboard, or null when it has none. */
export function strokeOf(ch: string): Stroke | null {
  const c = ch.charCodeAt(0);
  if (ch.length !== 1) return null;
  if (ch >= 'a' && ch <= 'z') return { key: k(c, `Key${ch.toUpperCase()}`), shift: false };
  if (ch >= 'A' && ch <= 'Z') return { key: k(c, `Key${ch}`), shift: true };
  if (ch >= '0' && ch <= '9') return { key: k(c, `Digit${ch}`), shift: false };
  const d = SHIFTED_DIGITS.indexOf(ch);
  if (d >= 0) return { key: k(c, `Digit${d}`), shift: true };
  if (ch === ' ') return { key: k(0x20, 'Space'), shift: false };
  if (ch === '\n') return { key: KEYS.enter, shift: false };
  if (ch === '\t') return { key: KEYS.tab, shift: false };
  return PUNCT_OF.get(ch) ?? null;
}

/**
 * The strokes for `text` (CR of CRLF dropped), at most PASTE_MAX_CHARS characters; `skipped`
 * counts characters a US keyboard cannot type (they are left out, and the user is told).
 */
export function strokesOf(text: string): { strokes: Stroke[]; skipped: number; truncated: boolean } {
  const chars = [...text.replace(/\r\n?/g, '\n')];
  const truncated = chars.length > PASTE_MAX_CHARS;
  const strokes: Stroke[] = [];
  let skipped = 0;
  for (const ch of chars.slice(0, PASTE_MAX_CHARS)) {
    const s = strokeOf(ch);
    if (s) strokes.push(s);
    else skipped++;
  }
  return { strokes, skipped, truncated };
}

/** Types the strokes one by one with a pause after each; stops early when `signal` aborts. */
export async function typeStrokes(
  strokes: readonly Stroke[],
  send: SendKey,
  opts: {
    delayMs?: number;
    signal?: AbortSignal;
    sleep?: (ms: number) => Promise<void>;
    onProgress?: (done: number) => void;
  } = {},
): Promise<number> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let done = 0;
  for (const s of strokes) {
    if (opts.signal?.aborted) break;
    pressCombo(send, s.shift ? [KEYS.shift, s.key] : [s.key]);
    done++;
    opts.onProgress?.(done);
    await sleep(opts.delayMs ?? PASTE_DELAY_MS);
  }
  return done;
}
