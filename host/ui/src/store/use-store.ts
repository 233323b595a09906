import type { Api } from '../api/create-api.ts';
import type { AppState } from './app-state.ts';

import { ShellContext, storeHooks } from '@quantix/shared/ui/store/shell-context.ts';

/** The provider of the host UI's store and api (the shell's context). */
export const AppContext = ShellContext;

/** `useStore` reads the host's state, `useApi` gives its actions (they write the store, components never do). */
export const { useStore, useApi } = storeHooks<AppState, Api>();
