/**
 * The command and arguments that run `cmd` so that it dies with the host, even when the host is
 * killed with SIGKILL: util-linux's setpriv sets the kernel's parent-death signal and execs the
 * command, so no process stays around only to watch (setpriv is gone once the command runs). The
 * signal comes when the thread that spawned exits: the host spawns from its main thread.
 * `spawn(...tied('qemu-img', args), options)`.
 */
export function tied(cmd: string, args: readonly string[]): [string, string[]] {
  return ['setpriv', ['--pdeathsig', 'KILL', '--', cmd, ...args]];
}
