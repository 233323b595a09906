import '@quantix/shared/ui/styles.css';
import { openSocket } from '@quantix/shared/ui/api/socket-io.ts';
import { render } from 'preact';
import { createApi } from './api/create-api.ts';
import { App } from './app.tsx';
import { initialState } from './store/app-state.ts';
import { createStore } from '@quantix/shared/ui/store/create-store.ts';
import { AppContext } from './store/use-store.ts';

// The composition root: store → api (HTTP, socket, history) → view, then boot.
const store = createStore(initialState({ path: window.location.pathname, search: window.location.search }));
const api = createApi({ store, window, socket: openSocket() });
const root = document.getElementById('app');
if (!root) throw new Error('#app is missing from index.html');

render(
  <AppContext.Provider value={{ store, api, config: { peer: 'host', cli: 'quantix-host' } }}>
    <App />
  </AppContext.Provider>,
  root,
);
api.nav.start();
void api.session.boot();
