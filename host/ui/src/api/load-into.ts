import {
  createLoader as createLoaderOf,
  type LoadInto as LoadIntoOf,
} from '@quantix/shared/ui/api/load-into.ts';
import type { AppState } from '../store/app-state.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';

/** The shell's loader, writing the host UI's state. */
export type LoadInto = LoadIntoOf<AppState>;
export const createLoader = (store: Store<AppState>): LoadInto => createLoaderOf(store);
