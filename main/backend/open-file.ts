// Opening a capture file for a session. The path is checked before it becomes the session's source: that
// this session may open it, that it is a regular file, and that it starts like a pcap or pcapng file; a
// failed open never changes the session. Errors name the file and the problem, never its bytes or size.
import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, resolve, sep } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { ApiError } from '../api/contract';
import { gzipProblem, isGzip } from '../capture/compressed';
import { CaptureReader } from '../engine/io/reader';
import { CaptureFormatError } from '../engine/io/errors';

/** Bytes read to recognise a capture (a pcapng section header with options fits easily). */
const HEAD = 4096;

/** Throws a clear file_error unless `path` is a regular file that starts like a capture file. */
export async function checkCaptureFile(path: string, shown = path): Promise<void> {
  let fh;
  try {
    // Non-blocking: opening a FIFO nobody writes to would otherwise wait forever, holding one of libuv's
    // four file threads (four such opens stalled every upload and lesson). It is refused below as not a
    // regular file; for a regular file the flag changes nothing.
    fh = await open(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ApiError('file_error', `${shown}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'is a directory, not a capture file' : `cannot open (${code ?? String(e)})`}`);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new ApiError('file_error', `${shown}: is a directory, not a capture file`);
    if (!st.isFile()) throw new ApiError('file_error', `${shown}: is not a regular file`);
    const buf = new Uint8Array(HEAD);
    const { bytesRead } = await fh.read(buf, 0, HEAD, 0);
    if (bytesRead === 0) throw new ApiError('file_error', `${shown}: is empty, not a capture file`);
    const head = startOf(buf.subarray(0, bytesRead), shown);
    const reader = new CaptureReader();
    try {
      reader.push(head, () => undefined);
    } catch (e) {
      if (!(e instanceof CaptureFormatError)) throw e;
      // Damage after the header is reported once the good frames are loaded. A header that is not a
      // capture's says so without quoting the file's bytes; an unsupported capture says what is unsupported.
      if (reader.format === null) {
        throw new ApiError('file_error', `${shown}: ${/^unsupported/.test(e.message) ? e.message : 'is not a pcap or pcapng capture file'}`);
      }
    }
    if (reader.format === null) throw new ApiError('file_error', `${shown}: is too short to be a capture file`);
  } finally {
    await fh.close();
  }
}

/** The first bytes of the capture: a gzip-compressed one's (.pcap.gz, as tshark reads them) decompressed. */
function startOf(head: Uint8Array, shown: string): Uint8Array {
  if (!isGzip(head)) return head;
  try {
    // Only the start of the stream is here: flush what it gives, without asking for its end.
    return gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch (e) {
    throw new ApiError('file_error', `${shown}: ${gzipProblem(e)}`);
  }
}

/** True when `path` is inside `dir` (both resolved; `dir` itself does not count). */
export function isInside(path: string, dir: string): boolean {
  const d = resolve(dir) + sep;
  return resolve(path).startsWith(d);
}

/** What a file may be called in front of someone who must not learn server paths. */
export function fileTitle(path: string): string {
  return basename(path).replace(/^[0-9a-f]{12}-/, '');
}
