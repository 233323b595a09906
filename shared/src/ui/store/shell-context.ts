import { createContext } from 'preact';
import { useContext, useLayoutEffect, useReducer, useRef } from 'preact/hooks';
import type { Navigation } from '../api/navigation.ts';
import type { SessionApi } from '../api/session-api.ts';
import type { Store } from './create-store.ts';
import type { ShellState } from './shell-state.ts';

/** What the shell's components call; each UI's Api has these and more. */
export interface ShellApi {
  readonly nav: Navigation;
  readonly session: SessionApi;
}

/** Who the UI talks to: its texts say "the host" or "the hub", and how to get a setup code. */
export interface ShellConfig {
  readonly peer: 'host' | 'hub';
  /** the server's command, e.g. `quantix-host` */
  readonly cli: string;
}

export interface ShellContextValue<S extends ShellState = ShellState, A extends ShellApi = ShellApi> {
  readonly store: Store<S>;
  readonly api: A;
  readonly config: ShellConfig;
}

export const ShellContext = createContext<ShellContextValue | null>(null);

function useShellContext(): ShellContextValue {
  const ctx = useContext(ShellContext);
  if (!ctx) throw new Error('ShellContext is missing: render inside <ShellContext.Provider>');
  return ctx;
}

/**
 * The one way components read state: re-renders only when the selected value changes
 * (Object.is), so select slices that already exist rather than building new objects.
 */
function useSelected<S, T>(store: Store<S>, selector: (state: S) => T): T {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const value = selector(store.get());
  const latest = useRef({ selector, value });
  latest.current = { selector, value };
  useLayoutEffect(() => {
    const check = (state: S) => {
      if (!Object.is(latest.current.selector(state), latest.current.value)) rerender(0);
    };
    const off = store.subscribe(check);
    // an update may have landed between render and this effect
    check(store.get());
    return off;
  }, [store]);
  return value;
}

/**
 * The hooks of one UI, typed with its state and api: `useStore` to read, `useApi` for the
 * actions (they write the store, components never do). The context holds whichever UI rendered.
 */
export function storeHooks<S extends ShellState, A extends ShellApi>() {
  return {
    useStore<T>(selector: (state: S) => T): T {
      return useSelected(useShellContext().store as unknown as Store<S>, selector);
    },
    useApi(): A {
      return useShellContext().api as A;
    },
  };
}

/** The shell's own view of the context, for the components both UIs share. */
export const { useStore: useShellStore, useApi: useShellApi } = storeHooks<ShellState, ShellApi>();

export function useShellConfig(): ShellConfig {
  return useShellContext().config;
}
