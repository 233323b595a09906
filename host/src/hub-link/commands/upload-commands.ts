import {
  AppError,
  type LinkCommand,
  type UploadOpened,
  type UploadProgress,
  type UploadResult,
} from '@quantix/shared';
import { fsError } from '../../storage/files/path-guard.ts';
import {
  DEFAULT_UPLOAD_IDLE_MS,
  discardUpload,
  newUploadId,
  openUpload,
  publishUpload,
  type UploadTarget,
  writeAll,
} from '../../storage/files/upload.ts';
import type { StorageService } from '../../storage/pools/pool.service.ts';
import { poolDirectory } from './file-commands.ts';

export type UploadCommand = Extract<
  LinkCommand,
  { type: 'upload.open' | 'upload.chunk' | 'upload.finish' | 'upload.abort' }
>;

export interface UploadCommandsDeps {
  storage: Pick<StorageService, 'pool'>;
  /** the same limit as the host's own upload route */
  maxUploadBytes: () => number;
  /** an upload no chunk reached for this long is aborted and its temp file removed */
  idleTimeoutMs?: number;
  /** uploads open at once (each holds a file descriptor and a temp file) */
  maxOpen?: number;
  /** the audit trail: every finished, failed or abandoned upload, with the hub that sent it */
  audit?: (level: 'info' | 'warning', message: string, by: string) => void;
}

interface Upload {
  id: string;
  hubName: string;
  pool: string;
  target: UploadTarget;
  size: number;
  received: number;
  /** a chunk is being written: the next must wait for its ack */
  busy: boolean;
  /** finished or dropped: its temp file is gone or published */
  done: boolean;
  idle: NodeJS.Timeout | undefined;
}

export type UploadCommandHandler = ((
  cmd: UploadCommand,
  ctx: { hubName: string },
) => Promise<UploadOpened | UploadProgress | UploadResult | null>) & {
  /** aborts every upload in progress (the host is stopping) */
  close(): Promise<void>;
  /** uploads in progress */
  open(): number;
};

const MiB = 2 ** 20;

/**
 * An ISO or disk image upload relayed by a hub in acked chunks of at most LINK_CHUNK_BYTES:
 * - `upload.open {pool, name, size}` checks and reserves as the host's own upload route does (the
 *   name sanitised, an ISO or disk image name, the size limit and the pool's free space, an
 *   existing file refused)
 *   and creates `<pool>/.upload-<id>.part`; answers `UploadOpened {uploadId, name}`.
 * - `upload.chunk {uploadId, offset, data}` must come at exactly the offset received so far, one at
 *   a time and never past the declared size; answers `UploadProgress {received}`.
 * - `upload.finish` needs every declared byte, then fsyncs the file, inspects it with qemu-img as
 *   the upload route does (publishUpload: IMAGE_REFUSED removes it) and links it into place (never
 *   replacing one); answers `UploadResult`.
 * - `upload.abort` removes the temp file; an upload no chunk reaches for 60 s is aborted likewise.
 * An upload belongs to the hub that opened it.
 */
export function createUploadCommands(deps: UploadCommandsDeps): UploadCommandHandler {
  const idleMs = deps.idleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_MS;
  const maxOpen = deps.maxOpen ?? 8;
  const uploads = new Map<string, Upload>();

  const audit = (level: 'info' | 'warning', message: string, u: { hubName: string }) =>
    deps.audit?.(level, message, `hub ${u.hubName}`);
  const drop = async (u: Upload): Promise<void> => {
    clearTimeout(u.idle);
    if (uploads.get(u.id) === u) uploads.delete(u.id);
    if (u.done) return;
    u.done = true;
    await discardUpload(u.target);
  };
  /** drops the upload and throws why; told once (a write cut short by an abort is no second failure) */
  const fail = async (u: Upload, err: unknown): Promise<never> => {
    const first = !u.done;
    await drop(u);
    const e = fsError(err, u.target.name);
    if (first) audit('warning', `Upload of "${u.target.name}" to pool "${u.pool}" failed: ${e.message}`, u);
    throw e;
  };
  const arm = (u: Upload): void => {
    clearTimeout(u.idle);
    u.idle = setTimeout(() => {
      if (uploads.get(u.id) !== u) return;
      void drop(u).then(() =>
        audit(
          'warning',
          `Upload of "${u.target.name}" to pool "${u.pool}" abandoned: no data for ${idleMs / 1000} s`,
          u,
        ),
      );
    }, idleMs);
    u.idle.unref();
  };
  const find = (uploadId: string, hubName: string): Upload => {
    const u = uploads.get(uploadId);
    if (!u || u.hubName !== hubName) {
      throw new AppError('NOT_FOUND', `no upload ${uploadId} in progress (it finished, failed or timed out)`);
    }
    if (u.busy)
      throw new AppError('VALIDATION_FAILED', 'the previous chunk of this upload is still being written');
    return u;
  };

  const handler = async (
    cmd: UploadCommand,
    ctx: { hubName: string },
  ): Promise<UploadOpened | UploadProgress | UploadResult | null> => {
    switch (cmd.type) {
      case 'upload.open': {
        if (uploads.size >= maxOpen) {
          throw new AppError(
            'RATE_LIMITED',
            `${uploads.size} uploads are in progress; try again when one ends`,
          );
        }
        const id = newUploadId();
        const target = await openUpload({
          poolRoot: await poolDirectory(deps.storage, cmd.pool),
          fileName: cmd.name,
          maxBytes: deps.maxUploadBytes(),
          expectedBytes: cmd.size,
          id,
        });
        const u: Upload = {
          id,
          hubName: ctx.hubName,
          pool: cmd.pool,
          target,
          size: cmd.size,
          received: 0,
          busy: false,
          done: false,
          idle: undefined,
        };
        uploads.set(id, u);
        arm(u);
        return { uploadId: id, name: target.name };
      }
      case 'upload.chunk': {
        const u = find(cmd.uploadId, ctx.hubName);
        if (cmd.offset !== u.received) {
          // a lost or repeated chunk: the hub must not go on as if the file were whole
          throw new AppError(
            'VALIDATION_FAILED',
            `chunk at offset ${cmd.offset}, expected ${u.received}; the upload cannot continue out of order`,
          );
        }
        if (u.received + cmd.data.byteLength > u.size) {
          return fail(
            u,
            new AppError(
              'VALIDATION_FAILED',
              `more than the ${u.size} bytes announced for "${u.target.name}"`,
            ),
          );
        }
        u.busy = true;
        arm(u);
        try {
          await writeAll(u.target.fh, Buffer.from(cmd.data.buffer, cmd.data.byteOffset, cmd.data.byteLength));
        } catch (err) {
          return fail(u, err);
        } finally {
          u.busy = false;
        }
        u.received += cmd.data.byteLength;
        arm(u);
        return { received: u.received };
      }
      case 'upload.finish': {
        const u = find(cmd.uploadId, ctx.hubName);
        clearTimeout(u.idle);
        uploads.delete(u.id);
        try {
          if (u.received !== u.size) {
            throw new AppError('VALIDATION_FAILED', `upload ended after ${u.received} of ${u.size} bytes`);
          }
          const result = await publishUpload(u.target, u.size);
          u.done = true;
          audit(
            'info',
            `"${result.name}" (${(result.size / MiB).toFixed(1)} MiB) uploaded to pool "${u.pool}"`,
            u,
          );
          return result;
        } catch (err) {
          return fail(u, err);
        }
      }
      case 'upload.abort': {
        const u = uploads.get(cmd.uploadId);
        if (!u || u.hubName !== ctx.hubName) return null; // finished, failed or timed out: nothing left
        await drop(u);
        audit('warning', `Upload of "${u.target.name}" to pool "${u.pool}" aborted by the hub`, u);
        return null;
      }
    }
  };
  return Object.assign(handler, {
    close: async () => {
      await Promise.all([...uploads.values()].map(drop));
    },
    open: () => uploads.size,
  });
}
