import type { Readable } from 'node:stream';
import { AppError, LINK_CHUNK_BYTES, UploadOpened, UploadProgress, UploadResult } from '@quantix/shared';
import type { HostLinks } from '../link/host-links.ts';
import { parseAnswer } from './host-answer.ts';

/** An upload whose client sends nothing for this long is aborted (as on the host). */
export const UPLOAD_IDLE_MS = 60_000;
const ABORT_TIMEOUT_MS = 5_000;

export interface RelayUpload {
  hostId: string;
  pool: string;
  /** as the client sent it: the host sanitises it and answers the stored name */
  fileName: string;
  /** the declared length; the body must be exactly this long */
  size: number;
  body: Readable;
  idleMs?: number;
  chunkBytes?: number;
}

/**
 * Streams a body to a host over its link: `upload.open`, then `upload.chunk`s of `chunkBytes`
 * (≤ LINK_CHUNK_BYTES) each acked before the next is read — the body is not read while a chunk is
 * in flight, so memory stays at about two chunks whatever the size and a slow host slows the
 * client — then `upload.finish`. On any failure (the client went away or stalled, a longer or
 * shorter body, the host refused or went away) the host is told `upload.abort`; a host that cannot
 * be told removes the temp file itself after its idle timeout.
 */
export async function relayUpload(links: Pick<HostLinks, 'command'>, u: RelayUpload): Promise<UploadResult> {
  const chunkBytes = Math.min(u.chunkBytes ?? LINK_CHUNK_BYTES, LINK_CHUNK_BYTES);
  const idleMs = u.idleMs ?? UPLOAD_IDLE_MS;
  const { uploadId } = parseAnswer(
    UploadOpened,
    await links.command(u.hostId, { type: 'upload.open', pool: u.pool, name: u.fileName, size: u.size }),
    'upload.open',
  );
  let offset = 0;
  const send = async (data: Buffer): Promise<void> => {
    const ack = parseAnswer(
      UploadProgress,
      await links.command(u.hostId, { type: 'upload.chunk', uploadId, offset, data }),
      'upload.chunk',
    );
    offset += data.byteLength;
    if (ack.received !== offset) {
      throw new AppError('INVALID_RESPONSE', `the host has ${ack.received} bytes where ${offset} were sent`);
    }
  };
  let idle: NodeJS.Timeout | undefined;
  // only while waiting for the client: a chunk in flight to the host is not the client's stall
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      u.body.destroy(new AppError('VALIDATION_FAILED', `upload stalled: no data for ${idleMs / 1000} s`));
    }, idleMs);
  };
  try {
    let buffered: Buffer[] = [];
    let bufferedBytes = 0;
    arm();
    for await (const piece of u.body as AsyncIterable<Buffer>) {
      clearTimeout(idle);
      buffered.push(piece);
      bufferedBytes += piece.byteLength;
      if (offset + bufferedBytes > u.size) {
        throw new AppError('VALIDATION_FAILED', `the body is longer than the ${u.size} bytes announced`);
      }
      if (bufferedBytes >= chunkBytes) {
        let all = Buffer.concat(buffered, bufferedBytes);
        while (all.byteLength >= chunkBytes) {
          await send(all.subarray(0, chunkBytes));
          all = all.subarray(chunkBytes);
        }
        buffered = all.byteLength ? [Buffer.from(all)] : [];
        bufferedBytes = all.byteLength;
      }
      arm();
    }
    clearTimeout(idle);
    if (bufferedBytes > 0) await send(Buffer.concat(buffered, bufferedBytes));
    if (offset !== u.size) {
      throw new AppError('VALIDATION_FAILED', `upload ended after ${offset} of ${u.size} bytes`);
    }
    return parseAnswer(
      UploadResult,
      await links.command(u.hostId, { type: 'upload.finish', uploadId }),
      'upload.finish',
    );
  } catch (err) {
    clearTimeout(idle);
    await links
      .command(u.hostId, { type: 'upload.abort', uploadId }, ABORT_TIMEOUT_MS)
      .catch(() => undefined);
    if (err instanceof AppError) throw err;
    // anything else came from the body: the client closed or reset the connection
    throw new AppError('VALIDATION_FAILED', `upload aborted by the client after ${offset} bytes`, {
      cause: err,
    });
  }
}
