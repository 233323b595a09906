import type { Request } from 'express';

/** Who made the change, for the hub's event log: the session's username. */
export function requestUser(req: Request): string {
  const p = req.principal;
  return p?.kind === 'user' ? p.username : p ? `hub:${p.hubName}` : 'anonymous';
}
