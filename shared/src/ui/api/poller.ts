/** Whether the page is on screen: polling stops while the tab is hidden. */
export interface Visibility {
  visible(): boolean;
  onChange(fn: () => void): () => void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** What a polling api needs: timers, and (in the browser) whether the page is on screen. */
export interface PollDeps {
  readonly timers: Timers;
  readonly visibility?: Visibility | undefined;
}

export function documentVisibility(doc: Document): Visibility {
  return {
    visible: () => doc.visibilityState !== 'hidden',
    onChange(fn) {
      doc.addEventListener('visibilitychange', fn);
      return () => doc.removeEventListener('visibilitychange', fn);
    },
  };
}

export interface Poller {
  /** run now (or once more right after the run in progress), and go on polling */
  now(): void;
  stop(): void;
}

/**
 * Runs `run` and again `intervalMs` after each run has finished (a setTimeout chain, so runs never
 * overlap), only while the page is visible: hidden, it waits; visible again, it runs at once.
 * `again` ends the chain after a run (until `now()`); `skip` lets a tick pass without running
 * (e.g. while libvirt is gone), so polling resumes by itself. Failures are the caller's to record.
 */
export function poll(
  opts: PollDeps & {
    run: () => Promise<unknown>;
    intervalMs: number;
    /** run at once (default), or first after `intervalMs` */
    startNow?: boolean;
    again?: () => boolean;
    skip?: () => boolean;
  },
): Poller {
  const { timers, visibility } = opts;
  let stopped = false;
  // `again` said no: the chain waits for `now()`
  let ended = false;
  let timer: unknown = null;
  let running = false;
  let rerun = false;
  const visible = () => visibility?.visible() ?? true;

  const clear = () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  };
  const schedule = () => {
    if (stopped || ended || running || timer !== null || !visible()) return;
    timer = timers.setTimeout(() => {
      timer = null;
      void tick();
    }, opts.intervalMs);
  };
  const tick = async () => {
    if (stopped || !visible()) return;
    if (opts.skip?.()) {
      schedule();
      return;
    }
    running = true;
    try {
      await opts.run();
    } catch {
      // the run records its own failure (loadInto keeps it in the store)
    } finally {
      running = false;
    }
    if (rerun) {
      rerun = false;
      void tick();
      return;
    }
    if (opts.again && !opts.again()) ended = true;
    schedule();
  };
  const now = () => {
    if (stopped) return;
    ended = false;
    if (running) {
      rerun = true;
      return;
    }
    clear();
    void tick();
  };

  const offVisibility = visibility?.onChange(() => {
    if (stopped) return;
    // back on screen: what we show may be old, so read it at once; hidden: wait
    if (!visible()) clear();
    else if (!ended && !running) now();
  });
  if (opts.startNow === false) schedule();
  else void tick();

  return {
    now,
    stop() {
      stopped = true;
      offVisibility?.();
      clear();
    },
  };
}
