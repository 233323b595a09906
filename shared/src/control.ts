import { z } from 'zod';
import { Password, Username } from './common.ts';
import { ErrorCode } from './errors.ts';

const SetupCodeRequest = z.strictObject({ cmd: z.literal('setup-code') });
const PasswdRequest = z.strictObject({ cmd: z.literal('passwd'), username: Username, password: Password });

/** The account commands every server takes over `<data>/control.sock` (the hub takes only these). */
export const AuthControlRequest = z.discriminatedUnion('cmd', [SetupCodeRequest, PasswdRequest]);
export type AuthControlRequest = z.infer<typeof AuthControlRequest>;

/** CLI → host requests over `<data>/control.sock`. */
export const ControlRequest = z.discriminatedUnion('cmd', [
  SetupCodeRequest,
  z.strictObject({ cmd: z.literal('token') }),
  PasswdRequest,
  /** join a hub with its `qxh1.` enrolment string (checked by the server, not here) */
  z.strictObject({ cmd: z.literal('join-hub'), enrollment: z.string().min(1).max(4096) }),
  /** what the appliance's console banner shows (quantix-host console) */
  z.strictObject({ cmd: z.literal('console-status') }),
  /**
   * the first administrator, while none exists: the console's "set the admin password" on a fresh
   * appliance (`passwd` only changes an existing account). No setup code: the socket is root-only,
   * and `setup-code` hands it out to the same callers anyway.
   */
  z.strictObject({ cmd: z.literal('create-admin'), username: Username, password: Password }),
]);
export type ControlRequest = z.infer<typeof ControlRequest>;

export const ControlResponse = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: ErrorCode, message: z.string() }) }),
]);
export type ControlResponse = z.infer<typeof ControlResponse>;

export const SetupCodeInfo = z.object({ code: z.string(), expiresAt: z.string() });
export type SetupCodeInfo = z.infer<typeof SetupCodeInfo>;

/** `join-hub`'s answer: the hub joined, or the one this host had already joined with that string. */
export const JoinHubResult = z.object({
  hubId: z.uuid(),
  hubName: z.string(),
  hubUrl: z.string(),
  /** true when the host was already linked to that hub (nothing was changed) */
  already: z.boolean(),
});
export type JoinHubResult = z.infer<typeof JoinHubResult>;

/**
 * `console-status`'s answer: everything the console banner on tty1 and the serial console shows
 * (like ESXi's DCUI). The console redraws when it changes.
 */
export const ConsoleStatus = z.object({
  version: z.string(),
  commit: z.string(),
  hostId: z.uuid(),
  hostname: z.string(),
  /** the port the web UI listens on (443 on the appliance) */
  port: z.number().int().min(1).max(65_535),
  /** the address it listens on: `0.0.0.0` or `::` for every address (the appliance), else only that one */
  listenHost: z.string(),
  /** the host's non-loopback addresses, management first (the interface of the default route) */
  addresses: z.array(z.object({ iface: z.string(), address: z.string(), family: z.enum(['IPv4', 'IPv6']) })),
  /** the certificate's SPKI fingerprint, `sha256:<hex>`: what a hub and a browser pin */
  spki: z.string(),
  /** the hubs that adopted this host, and whether the link to each is up now */
  hubs: z.array(z.object({ hubId: z.uuid(), hubName: z.string(), hubUrl: z.string(), linked: z.boolean() })),
  /** while no admin account exists: the setup code the first admin is created with */
  setupCode: SetupCodeInfo.nullable(),
  /** libvirt answers (false while libvirtd is down or starting) */
  hypervisorAvailable: z.boolean(),
});
export type ConsoleStatus = z.infer<typeof ConsoleStatus>;
