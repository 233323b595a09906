import type {
  PoolAssignment,
  SharedPool,
  SharedPoolDefinition,
  StoredEnrollment,
  StoredHubHost,
} from '@quantix/shared';

/** The fields of a host record that change after adoption. */
export type HostPatch = Partial<
  Pick<
    StoredHubHost,
    'hostname' | 'url' | 'version' | 'inventory' | 'maintenance' | 'revokedAt' | 'lastSeenAt'
  >
>;

/**
 * The hub's durable state behind one interface. Every method is one transaction: it sees every
 * earlier one, checks and changes atomically, and resolves once the change is durable (or throws
 * and changes nothing). Reads are async too, so that a PostgreSQL store can stand in for the
 * embedded lowdb one without touching the services. Records handed out are copies.
 */
export interface HubStore {
  listHosts(): Promise<StoredHubHost[]>;
  getHost(hostId: string): Promise<StoredHubHost | null>;
  /** `HOST_ALREADY_REGISTERED` when the hostId is there */
  addHost(host: StoredHubHost): Promise<void>;
  /** `HOST_NOT_FOUND` when it is not */
  updateHost(hostId: string, patch: HostPatch): Promise<StoredHubHost>;
  /**
   * When each host was last seen (hostId → ISO time), for many hosts in one transaction: the links
   * of a whole fleet can drop at once, and each write is the whole file. Hosts no longer on the
   * hub are skipped.
   */
  recordLastSeen(seen: ReadonlyMap<string, string>): Promise<void>;
  /**
   * Re-pairing (after `cert-changed`): the new record takes the old one's place, keeping its
   * maintenance flag and pool assignments, even when the host now has another hostId.
   */
  replaceHost(oldHostId: string, host: StoredHubHost): Promise<StoredHubHost>;
  /** the host and its pool assignments go together; `HOST_NOT_FOUND` when it is not there */
  removeHost(hostId: string): Promise<StoredHubHost>;
  /**
   * Self-enrolment as one transaction: the enrolment is checked by `check` (which throws the
   * refusal) and its use counted, and the host added (`HOST_ALREADY_REGISTERED` if there).
   */
  enrollHost(enrollmentId: string, check: (e: StoredEnrollment) => void, host: StoredHubHost): Promise<void>;

  listPools(): Promise<SharedPool[]>;
  getPool(name: string): Promise<SharedPool | null>;
  /** `NAME_TAKEN` when a pool of that name exists */
  createPool(definition: SharedPoolDefinition, at: string): Promise<SharedPool>;
  /** `POOL_NOT_FOUND`; a definition is changed only while no host has the pool */
  updatePoolDefinition(definition: SharedPoolDefinition): Promise<SharedPool>;
  /** `POOL_NOT_FOUND`; `POOL_IN_USE` while any host still has it assigned */
  deletePool(name: string): Promise<void>;
  /** adds or replaces the pool's assignment to `assignment.hostId`; `POOL_NOT_FOUND`, `HOST_NOT_FOUND` */
  setAssignment(name: string, assignment: PoolAssignment): Promise<SharedPool>;
  /** `POOL_NOT_FOUND`; removing an assignment that is not there does nothing */
  removeAssignment(name: string, hostId: string): Promise<SharedPool>;

  listEnrollments(): Promise<StoredEnrollment[]>;
  addEnrollment(e: StoredEnrollment): Promise<void>;
  /** `NOT_FOUND` when there is no such enrolment */
  revokeEnrollment(id: string, at: string): Promise<StoredEnrollment>;
}
