import type { MintedToken } from '@quantix/shared';
import type { ConsoleControl } from './console-control.ts';
import { notice, reason, utcMinute } from './screens.ts';
import type { Terminal } from './terminal.ts';

const TITLE = 'Registration token';

/**
 * [T]: mints a registration token and shows its join string, and the same as a QR code a phone can
 * read. Both on one screen when the terminal is tall enough, else the QR code on a second one.
 * The join string is one line, however long: a line break would break copying it.
 */
export async function tokenScreen(d: {
  term: Terminal;
  control: Pick<ConsoleControl, 'mintToken'>;
  qr: (text: string) => Promise<string>;
}): Promise<void> {
  const { term } = d;
  let token: MintedToken;
  try {
    token = await d.control.mintToken();
  } catch (err) {
    return notice(term, TITLE, ['Could not mint a token:', reason(err)]);
  }
  const qr = (await d.qr(token.join)).replace(/\n+$/, '');
  const { cols, rows } = term.size();
  const text = [
    `  ${TITLE}`,
    '',
    '  A hub adopts this host with this join string (paste it into the hub):',
    '',
    token.join,
    '',
    `  Valid until ${utcMinute(token.expiresAt)}, for one adoption.`,
  ];
  const textRows = text.length - 1 + Math.ceil(token.join.length / cols);
  const qrRows = qr.split('\n').length;
  if (textRows + 1 + qrRows + 1 <= rows) {
    term.screen([...text, qr, '  Press any key to return.'].join('\n'));
    await term.key();
    return;
  }
  term.screen([...text, '', '  [Q] shows it as a QR code for a phone; any other key returns.'].join('\n'));
  const k = await term.key();
  if (k !== 'q' && k !== 'Q') return;
  term.screen(`${qr}\n  The join string as a QR code. Press any key to return.`);
  await term.key();
}
