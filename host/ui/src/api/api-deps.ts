import type { AppState } from '../store/app-state.ts';
import type { Store } from '@quantix/shared/ui/store/create-store.ts';
import type { HttpClient } from '@quantix/shared/ui/api/http-client.ts';
import type { LoadInto } from './load-into.ts';
import type { SocketClient } from './socket-client.ts';

/** What an api needs that reads over HTTP, hears the socket's pushes and keeps what it read. */
export interface StoreApiDeps {
  readonly http: HttpClient;
  readonly socket: SocketClient;
  readonly store: Store<AppState>;
  readonly loadInto: LoadInto;
}
