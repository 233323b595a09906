import { AppError, type HubState, type SharedPool, type StoredHubHost } from '@quantix/shared';
import type { JsonStore } from '@quantix/shared/server';
import type { HubStore } from './hub-store.ts';

const copy = <T>(v: T): T => structuredClone(v);

function hostIn(d: HubState, hostId: string): StoredHubHost {
  const h = d.hosts.find((x) => x.hostId === hostId);
  if (!h) throw new AppError('HOST_NOT_FOUND', `no host ${hostId} on this hub`);
  return h;
}

function poolIn(d: HubState, name: string): SharedPool {
  const p = d.pools.find((x) => x.definition.name === name);
  if (!p) throw new AppError('POOL_NOT_FOUND', `no shared pool "${name}"`);
  return p;
}

function refuseDuplicate(d: HubState, host: StoredHubHost, except?: string): void {
  const other = d.hosts.find((h) => h.hostId === host.hostId && h.hostId !== except);
  if (other) {
    throw new AppError('HOST_ALREADY_REGISTERED', `${other.hostname} (${other.url}) is already on this hub`);
  }
}

/** The embedded store: hub.json through the kit's durable JsonStore (one writer, fsync, rename). */
export function createLowdbHubStore(state: JsonStore<HubState>): HubStore {
  const tx = <R>(fn: (d: HubState) => R): Promise<R> => state.update((d) => copy(fn(d)));
  return {
    listHosts: async () => copy(state.data.hosts),
    getHost: async (hostId) => copy(state.data.hosts.find((h) => h.hostId === hostId) ?? null),
    addHost: (host) =>
      tx((d) => {
        refuseDuplicate(d, host);
        d.hosts.push(copy(host));
      }),
    updateHost: (hostId, patch) =>
      tx((d) => {
        const h = hostIn(d, hostId);
        Object.assign(h, patch);
        return h;
      }),
    recordLastSeen: (seen) =>
      tx((d) => {
        for (const h of d.hosts) {
          const at = seen.get(h.hostId);
          if (at !== undefined) h.lastSeenAt = at;
        }
      }),
    replaceHost: (oldHostId, host) =>
      tx((d) => {
        const old = hostIn(d, oldHostId);
        refuseDuplicate(d, host, oldHostId);
        const next: StoredHubHost = { ...copy(host), maintenance: old.maintenance };
        d.hosts[d.hosts.indexOf(old)] = next;
        for (const p of d.pools)
          for (const a of p.assignments) if (a.hostId === oldHostId) a.hostId = host.hostId;
        return next;
      }),
    removeHost: (hostId) =>
      tx((d) => {
        const h = hostIn(d, hostId);
        d.hosts = d.hosts.filter((x) => x !== h);
        for (const p of d.pools) p.assignments = p.assignments.filter((a) => a.hostId !== hostId);
        return h;
      }),
    enrollHost: (enrollmentId, check, host) =>
      tx((d) => {
        const e = d.enrollments.find((x) => x.id === enrollmentId);
        if (!e) throw new AppError('ENROLLMENT_INVALID', 'unknown enrollment string');
        check(copy(e));
        refuseDuplicate(d, host);
        e.uses += 1;
        d.hosts.push(copy(host));
      }),

    listPools: async () => copy(state.data.pools),
    getPool: async (name) => copy(state.data.pools.find((p) => p.definition.name === name) ?? null),
    createPool: (definition, at) =>
      tx((d) => {
        if (d.pools.some((p) => p.definition.name === definition.name)) {
          throw new AppError('NAME_TAKEN', `a shared pool named "${definition.name}" exists`);
        }
        const pool: SharedPool = { definition: copy(definition), createdAt: at, assignments: [] };
        d.pools.push(pool);
        return pool;
      }),
    updatePoolDefinition: (definition) =>
      tx((d) => {
        const p = poolIn(d, definition.name);
        if (p.assignments.length > 0) {
          throw new AppError('POOL_IN_USE', `"${definition.name}" is assigned to hosts; unassign it first`);
        }
        p.definition = copy(definition);
        return p;
      }),
    deletePool: (name) =>
      tx((d) => {
        const p = poolIn(d, name);
        if (p.assignments.length > 0) {
          throw new AppError('POOL_IN_USE', `"${name}" is still assigned to ${p.assignments.length} host(s)`);
        }
        d.pools = d.pools.filter((x) => x !== p);
      }),
    setAssignment: (name, assignment) =>
      tx((d) => {
        const p = poolIn(d, name);
        hostIn(d, assignment.hostId);
        p.assignments = [...p.assignments.filter((a) => a.hostId !== assignment.hostId), copy(assignment)];
        return p;
      }),
    removeAssignment: (name, hostId) =>
      tx((d) => {
        const p = poolIn(d, name);
        p.assignments = p.assignments.filter((a) => a.hostId !== hostId);
        return p;
      }),

    listEnrollments: async () => copy(state.data.enrollments),
    addEnrollment: (e) =>
      tx((d) => {
        d.enrollments.push(copy(e));
      }),
    revokeEnrollment: (id, at) =>
      tx((d) => {
        const e = d.enrollments.find((x) => x.id === id);
        if (!e) throw new AppError('NOT_FOUND', `no enrollment ${id}`);
        e.revokedAt ??= at;
        return e;
      }),
  };
}
