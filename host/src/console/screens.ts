import type { Terminal } from './terminal.ts';

/** The message of anything thrown, as a console line (AppErrors carry their code). */
export function reason(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && /^[A-Z_]+$/.test(e.code) ? `${message} (${e.code})` : message;
}

/** A screen with a title and lines, until a key is pressed. */
export async function notice(term: Terminal, title: string, lines: string[]): Promise<void> {
  term.screen([`  ${title}`, '', ...lines.map((l) => `  ${l}`), '', '  Press any key to return.'].join('\n'));
  await term.key();
}

/** Asks a yes/no question on one key: only `y` says yes. */
export async function confirm(term: Terminal, question: string): Promise<boolean> {
  term.write(`\n  ${question} [y/N] `);
  const k = await term.key();
  term.write('\n');
  return k === 'y' || k === 'Y';
}

/** `2026-12-02T12:30:00.000Z` → `2026-12-02 12:30 UTC` */
export const utcMinute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
