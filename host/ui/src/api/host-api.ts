import type { HostSummary } from '@quantix/shared';
import type { HttpClient } from '@quantix/shared/ui/api/http-client.ts';
import type { LoadInto } from './load-into.ts';

export interface HostApi {
  load(): Promise<void>;
}

export function createHostApi(deps: { http: HttpClient; loadInto: LoadInto }): HostApi {
  return { load: () => deps.loadInto('host', () => deps.http.get<HostSummary>('/host')) };
}
