import type { EnrollmentCreateRequest, EnrollmentList, MintedEnrollment } from '@quantix/shared';
import type { StoreApiDeps } from './api-deps.ts';

export interface EnrollmentApi {
  load(): Promise<void>;
  /** the answer holds the `qxh1.` string: the only time it is shown; the page keeps it, the store does not */
  mint(req: EnrollmentCreateRequest): Promise<MintedEnrollment>;
  revoke(id: string): Promise<void>;
}

export function createEnrollmentApi(deps: Omit<StoreApiDeps, 'socket'>): EnrollmentApi {
  const { http, loadInto } = deps;
  const load = () =>
    loadInto('enrollments', async () => (await http.get<EnrollmentList>('/enrollments')).enrollments);
  return {
    load,
    async mint(req) {
      const minted = await http.post<MintedEnrollment>('/enrollments', req);
      await load();
      return minted;
    },
    async revoke(id) {
      await http.del(`/enrollments/${encodeURIComponent(id)}`);
      await load();
    },
  };
}
