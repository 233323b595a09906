import { renderBanner, type ServiceView } from './banner.ts';
import type { ConsoleControl } from './console-control.ts';
import { networkScreen } from './network-screen.ts';
import { pager } from './pager.ts';
import { passwordScreen } from './password-screen.ts';
import { confirm, notice, reason } from './screens.ts';
import type { ActionResult, SystemActions } from './system-actions.ts';
import { KEY, type Key, type Terminal } from './terminal.ts';
import { tokenScreen } from './token-screen.ts';

export interface ConsoleAppDeps {
  term: Terminal;
  /** the service's status or why there is none; never rejects */
  service: () => Promise<ServiceView>;
  control: ConsoleControl;
  actions: SystemActions;
  /** running live from the ISO (read at every redraw) */
  live: () => boolean;
  /** text → a QR code drawn in the terminal */
  qr: (text: string) => Promise<string>;
  pollMs: number;
}

/**
 * The appliance's console: the banner (redrawn only when its text changes, the service polled every
 * `pollMs`) and a menu of keys, each leading to a screen that returns to the banner. Ends when the
 * input ends.
 */
export function createConsoleApp(d: ConsoleAppDeps): { run(): Promise<void> } {
  const { term } = d;
  let view: ServiceView | null = null;
  let onBanner = false;
  let drawn = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const draw = (force: boolean) => {
    if (!view || !onBanner || stopped) return;
    const text = renderBanner(
      { service: view, live: d.live(), pollSeconds: Math.round(d.pollMs / 1000) },
      term.size().cols,
    );
    // the serial console is captured to a file: unchanged text is not written again
    if (!force && text === drawn) return;
    drawn = text;
    term.screen(text);
  };

  const poll = async () => {
    view = await d.service();
    draw(false);
    if (!stopped) timer = setTimeout(poll, d.pollMs);
  };

  const result = (title: string, r: ActionResult, done: string) =>
    notice(term, title, r.ok ? [done, ...(r.detail ? [r.detail] : [])] : ['It failed:', r.detail]);

  const power = async (what: 'reboot' | 'poweroff') => {
    const title = what === 'reboot' ? 'Reboot' : 'Power off';
    term.screen(`  ${title}`);
    if (!(await confirm(term, what === 'reboot' ? 'Reboot this host?' : 'Power off this host?'))) return;
    const r = await d.actions[what]();
    await result(title, r, what === 'reboot' ? 'The host is rebooting.' : 'The host is powering off.');
  };

  /** `any`: any exit status is worth saying (the installer's), else only a failure to start (a shell's last status is not news) */
  const interactive = async (
    intro: string,
    run: () => Promise<number | null>,
    what: string,
    any: boolean,
  ) => {
    term.screen(intro);
    const code = await term.handOver(run);
    if (code === null) await notice(term, what, [`${what} could not be started.`]);
    else if (any && code !== 0) await notice(term, what, [`${what} ended with ${code}.`]);
  };

  /** One key on the banner; false when the banner stays as it is (an unknown key). */
  const handle = async (k: Key): Promise<boolean> => {
    const up = view?.kind === 'up' ? view.status : null;
    switch (k.toLowerCase()) {
      case 't':
        await tokenScreen({ term, control: d.control, qr: d.qr });
        return true;
      case 'p':
        await passwordScreen({ term, control: d.control, firstAdmin: up ? up.setupCode !== null : false });
        return true;
      case 'n':
        await networkScreen({
          term,
          actions: d.actions,
          current: view?.kind === 'up' ? view.status.addresses[0]?.iface : view?.addresses[0]?.iface,
        });
        return true;
      case 'r': {
        term.screen('  Restart the Quantix host service');
        if (!(await confirm(term, 'Restart it? Web UI users must log in again.'))) return true;
        term.write('  Restarting...\n');
        await result('Restart', await d.actions.restart(), 'The Quantix host service was restarted.');
        return true;
      }
      case 'l':
        term.screen('  Reading the log...');
        await pager(term, 'quantix-host log', await d.actions.logs());
        return true;
      case 'i':
        await interactive('  Starting the installer...', d.actions.install, 'The installer', true);
        return true;
      case 's':
        await interactive(
          '  A root shell: type exit to return to the console.',
          d.actions.shell,
          'The shell',
          false,
        );
        return true;
      case 'b':
        await power('reboot');
        return true;
      case 'o':
        await power('poweroff');
        return true;
      case KEY.ctrlL:
      case KEY.enter:
        return true; // redraw
      default:
        return false;
    }
  };

  return {
    async run() {
      await poll();
      let redraw = true;
      while (!term.ended()) {
        onBanner = true;
        draw(redraw);
        const k = await term.key();
        if (k === null) break;
        onBanner = false;
        try {
          redraw = await handle(k);
        } catch (err) {
          await notice(term, 'Something went wrong', [reason(err)]);
          redraw = true;
        }
      }
      stopped = true;
      clearTimeout(timer);
    },
  };
}
