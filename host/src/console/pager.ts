import { KEY, type Terminal } from './terminal.ts';

/**
 * Shows text a screenful at a time, starting at its end (the newest log lines), until Q, Esc or
 * Enter. Up/Down (or k/j) scroll a line, PgUp/PgDn (or b/space) a page.
 */
export async function pager(term: Terminal, title: string, text: string): Promise<void> {
  const lines = text.replace(/\s+$/, '').split('\n');
  const { cols, rows } = term.size();
  const page = Math.max(1, rows - 3);
  const last = Math.max(0, lines.length - page);
  let top = last;
  for (;;) {
    const shown = lines.slice(top, top + page).map((l) => (l.length >= cols ? l.slice(0, cols - 1) : l));
    const range = `lines ${top + 1}-${Math.min(lines.length, top + page)} of ${lines.length}`;
    term.screen([`  ${title} (${range})`, ...shown, '  Up/Down, PgUp/PgDn scroll; Q returns.'].join('\n'));
    const k = await term.key();
    if (k === null || k === 'q' || k === 'Q' || k === KEY.escape || k === KEY.enter) return;
    if (k === KEY.up || k === 'k') top -= 1;
    else if (k === KEY.down || k === 'j') top += 1;
    else if (k === KEY.pageUp || k === 'b') top -= page;
    else if (k === KEY.pageDown || k === ' ') top += page;
    top = Math.min(last, Math.max(0, top));
  }
}
