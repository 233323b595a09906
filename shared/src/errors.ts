import { z } from 'zod';

/**
 * The closed list of error codes spoken by host and hub. Adding a code means
 * adding it here, giving it a status below and documenting it in PROTOCOL.md.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'ORIGIN_FORBIDDEN',
  'SETUP_REQUIRED',
  'SETUP_DONE',
  'SETUP_CODE_INVALID',
  'INVALID_CREDENTIALS',
  'RATE_LIMITED',
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'HUB_NOT_FOUND',
  'USER_NOT_FOUND',
  'STATE_LOCKED',
  'STATE_CORRUPT',
  'HYPERVISOR_UNAVAILABLE',
  'VM_NOT_FOUND',
  'VM_STATE_INVALID',
  'POOL_NOT_FOUND',
  'POOL_IN_USE',
  'VOLUME_NOT_FOUND',
  'VOLUME_IN_USE',
  'NETWORK_NOT_FOUND',
  'NETWORK_IN_USE',
  'ADDRESS_CONFLICT',
  'DEVICE_IN_USE',
  'VM_START_FAILED',
  'SNAPSHOT_NOT_FOUND',
  'NAME_TAKEN',
  'INSUFFICIENT_SPACE',
  'LIBVIRT_ERROR',
  'NOT_SUPPORTED',
  'PATH_OUTSIDE_POOL',
  'FILE_NOT_FOUND',
  'NOT_A_DIRECTORY',
  'NOT_A_FILE',
  'UPLOAD_TOO_LARGE',
  'UPLOAD_EXISTS',
  'HOST_NOT_ALLOWED',
  'STORAGE_FULL',
  'ADDRESS_NOT_ALLOWED',
  'REDIRECT_NOT_ALLOWED',
  'HOST_CONNECTION_FAILED',
  'CONNECTION_TIMEOUT',
  'NETWORK_UNREACHABLE',
  'TLS_ERROR',
  'INVALID_RESPONSE',
  'HOST_FIRMWARE_OUTDATED',
  'HOST_API_NOT_AVAILABLE',
  'HOST_IDENTITY_MISMATCH',
  'HOST_ALREADY_REGISTERED',
  'HOST_NOT_FOUND',
  'HOST_NOT_CONNECTED',
  'HOST_IN_MAINTENANCE',
  'POOL_NOT_ON_HOST',
  'ENROLLMENT_INVALID',
  'ENROLLMENT_EXPIRED',
  'COMMAND_TIMEOUT',
  // VM hardware editing (virt-vm-hardware.ts)
  'DEVICE_NOT_FOUND',
  'EDIT_REFUSED',
  'IMAGE_REFUSED',
  'TEMPLATE_IN_USE',
  'GUEST_AGENT_UNAVAILABLE',
  'INTERNAL',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The one place a code is mapped to an HTTP status. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ORIGIN_FORBIDDEN: 403,
  SETUP_REQUIRED: 403,
  SETUP_DONE: 409,
  SETUP_CODE_INVALID: 401,
  INVALID_CREDENTIALS: 401,
  RATE_LIMITED: 429,
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  HUB_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  STATE_LOCKED: 503,
  STATE_CORRUPT: 500,
  HYPERVISOR_UNAVAILABLE: 503,
  VM_NOT_FOUND: 404,
  VM_STATE_INVALID: 409,
  POOL_NOT_FOUND: 404,
  POOL_IN_USE: 409,
  VOLUME_NOT_FOUND: 404,
  VOLUME_IN_USE: 409,
  NETWORK_NOT_FOUND: 404,
  NETWORK_IN_USE: 409,
  ADDRESS_CONFLICT: 409,
  DEVICE_IN_USE: 409,
  VM_START_FAILED: 502,
  SNAPSHOT_NOT_FOUND: 404,
  NAME_TAKEN: 409,
  INSUFFICIENT_SPACE: 409,
  LIBVIRT_ERROR: 502,
  NOT_SUPPORTED: 501,
  PATH_OUTSIDE_POOL: 403,
  FILE_NOT_FOUND: 404,
  NOT_A_DIRECTORY: 400,
  NOT_A_FILE: 400,
  UPLOAD_TOO_LARGE: 413,
  UPLOAD_EXISTS: 409,
  HOST_NOT_ALLOWED: 421,
  STORAGE_FULL: 507,
  ADDRESS_NOT_ALLOWED: 400,
  REDIRECT_NOT_ALLOWED: 400,
  HOST_CONNECTION_FAILED: 502,
  CONNECTION_TIMEOUT: 504,
  NETWORK_UNREACHABLE: 502,
  TLS_ERROR: 502,
  INVALID_RESPONSE: 502,
  HOST_FIRMWARE_OUTDATED: 502,
  HOST_API_NOT_AVAILABLE: 502,
  HOST_IDENTITY_MISMATCH: 502,
  HOST_ALREADY_REGISTERED: 409,
  HOST_NOT_FOUND: 404,
  HOST_NOT_CONNECTED: 409,
  HOST_IN_MAINTENANCE: 409,
  POOL_NOT_ON_HOST: 409,
  ENROLLMENT_INVALID: 401,
  ENROLLMENT_EXPIRED: 401,
  COMMAND_TIMEOUT: 504,
  DEVICE_NOT_FOUND: 404,
  EDIT_REFUSED: 409,
  IMAGE_REFUSED: 422,
  TEMPLATE_IN_USE: 409,
  GUEST_AGENT_UNAVAILABLE: 409,
  INTERNAL: 500,
};

/** Where a hub's adoption of a host failed; errors of adoption carry it with the pasted URL. */
export const AdoptPhase = z.enum([
  'parse',
  'resolve',
  'connect',
  'ping',
  'identity',
  'token',
  'discovery',
  'complete',
]);
export type AdoptPhase = z.infer<typeof AdoptPhase>;

export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    /** adoption errors only: the phase that failed and the host URL it was talking to */
    phase: AdoptPhase.optional(),
    hostUrl: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Thrown by services; mapped to `{ error: { code, message } }` by the transports. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options?.details;
  }
  get status(): number {
    return HTTP_STATUS[this.code];
  }
  toBody(): ErrorBody {
    const phase = AdoptPhase.safeParse(this.details?.phase);
    const hostUrl = this.details?.hostUrl;
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(phase.success ? { phase: phase.data } : {}),
        ...(typeof hostUrl === 'string' ? { hostUrl } : {}),
      },
    };
  }
}

/** Socket acks: every request over socket.io is answered with one of these. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };
