import { createContext } from 'preact';
import { useContext, useLayoutEffect, useReducer, useRef } from 'preact/hooks';
import type { Api } from '../api/create-api.ts';
import type { AppState } from './app-state.ts';
import type { Store } from './create-store.ts';

export interface AppContextValue {
  readonly store: Store<AppState>;
  readonly api: Api;
}

export const AppContext = createContext<AppContextValue | null>(null);

function useAppContext(): AppContextValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('AppContext is missing: render inside <AppContext.Provider>');
  return ctx;
}

/**
 * The one way components read state: re-renders only when the selected value changes
 * (Object.is), so select slices that already exist rather than building new objects.
 */
export function useStore<T>(selector: (state: AppState) => T): T {
  const { store } = useAppContext();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const value = selector(store.get());
  const latest = useRef({ selector, value });
  latest.current = { selector, value };
  useLayoutEffect(() => {
    const check = (state: AppState) => {
      if (!Object.is(latest.current.selector(state), latest.current.value)) rerender(0);
    };
    const off = store.subscribe(check);
    // an update may have landed between render and this effect
    check(store.get());
    return off;
  }, [store]);
  return value;
}

/** The actions; they write the store, components never do. */
export function useApi(): Api {
  return useAppContext().api;
}
