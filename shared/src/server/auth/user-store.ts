import type { StoredUser } from '@quantix/shared';
import type { JsonStore } from '../state/json-store.ts';

/** Where a server keeps its accounts: the host in host.json, the hub in hub.json. */
export interface UserStore {
  /** the accounts as they are now; change them only through update() */
  all(): readonly StoredUser[];
  /** applies `fn` to the accounts and resolves once the change is durable (see JsonStore.update) */
  update(fn: (users: StoredUser[]) => void): Promise<void>;
}

/** The `users` of a state file that keeps them, as a UserStore. */
export function usersIn<T extends { users: StoredUser[] }>(store: JsonStore<T>): UserStore {
  return {
    all: () => store.data.users,
    update: (fn) => store.update((d) => fn(d.users)),
  };
}
