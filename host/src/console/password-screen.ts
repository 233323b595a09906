import { AppError, Password, Username } from '@quantix/shared';
import type { ConsoleControl } from './console-control.ts';
import { notice, reason } from './screens.ts';
import type { Terminal } from './terminal.ts';

const TITLE = 'Administrator password';

/**
 * [P]: sets an administrator's password (username default `admin`, the password typed twice without
 * echo). While no administrator exists, this creates the first one instead.
 */
export async function passwordScreen(d: {
  term: Terminal;
  control: Pick<ConsoleControl, 'passwd' | 'createAdmin'>;
  /** no administrator exists yet */
  firstAdmin: boolean;
}): Promise<void> {
  const { term } = d;
  term.screen(
    [
      `  ${TITLE}`,
      '',
      d.firstAdmin
        ? '  No administrator exists yet: this creates the first one.'
        : "  Sets an administrator's password; their open sessions are ended.",
      '  Esc cancels.',
      '',
    ].join('\n'),
  );
  const typed = await term.readLine('  Username [admin]: ');
  if (typed === null) return;
  const username = Username.safeParse(typed.trim() || 'admin');
  if (!username.success) return notice(term, TITLE, [`Not a username: ${username.error.issues[0]?.message}`]);
  const first = await term.readLine('  New password (not shown): ', { secret: true });
  if (first === null) return;
  const password = Password.safeParse(first);
  if (!password.success)
    return notice(term, TITLE, [`Password: ${password.error.issues[0]?.message}. Nothing was changed.`]);
  const again = await term.readLine('  The same password again: ', { secret: true });
  if (again === null) return;
  if (again !== first) return notice(term, TITLE, ['The two passwords differ. Nothing was changed.']);
  try {
    if (d.firstAdmin) {
      try {
        await d.control.createAdmin(username.data, password.data);
        return notice(term, TITLE, [`Administrator "${username.data}" created. Log in on the web UI.`]);
      } catch (err) {
        // someone created one meanwhile (the web UI's setup): then it is a password change
        if (!(err instanceof AppError && err.code === 'SETUP_DONE')) throw err;
      }
    }
    await d.control.passwd(username.data, password.data);
    return notice(term, TITLE, [`Password of "${username.data}" changed; their sessions were ended.`]);
  } catch (err) {
    return notice(term, TITLE, ['Nothing was changed:', reason(err)]);
  }
}
