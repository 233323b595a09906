/**
 * A tiny typed emitter holding immutable state. Writers replace the state with `update`;
 * readers subscribe and get the new and previous state. Returning the same object from the
 * updater is a no-op, so "nothing changed" costs no renders.
 */
export interface Store<S> {
  get(): S;
  update(fn: (state: S) => S): void;
  subscribe(listener: (state: S, previous: S) => void): () => void;
}

export function createStore<S>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<(state: S, previous: S) => void>();
  return {
    get: () => state,
    update(fn) {
      const previous = state;
      const next = fn(previous);
      if (Object.is(next, previous)) return;
      state = next;
      // a snapshot, so a listener may unsubscribe (or subscribe) while we notify
      for (const listener of [...listeners]) listener(state, previous);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
