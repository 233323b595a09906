import { ShellContext, storeHooks } from '@quantix/shared/ui/store/shell-context.ts';
import type { Api } from '../api/create-api.ts';
import type { AppState } from './app-state.ts';

/** The provider of the hub UI's store and api (the shell's context). */
export const AppContext = ShellContext;

/** `useStore` reads the hub's state, `useApi` gives its actions (they write the store, components never do). */
export const { useStore, useApi } = storeHooks<AppState, Api>();
