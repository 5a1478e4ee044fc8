// gzip-compressed captures (.pcap.gz, .pcapng.gz), which tshark reads as they are: recognised by their
// magic bytes (not their name), decompressed as they are read.
import { closeSync, constants, openSync, readSync } from 'node:fs';

/** Whether `head` (a file's first bytes) starts a gzip stream (RFC 1952: 1f 8b, deflate). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8;
}

/** Whether the file open at `fd` is gzip-compressed (read at offset 0, the position is not moved). */
export function isGzipFd(fd: number): boolean {
  const head = new Uint8Array(3);
  try {
    return isGzip(head.subarray(0, readSync(fd, head, 0, 3, 0)));
  } catch {
    return false; // a pipe cannot be read at an offset: read as it is
  }
}

/**
 * Whether the file at `path` is gzip-compressed. Opened without waiting: the path may name a FIFO by now
 * (checked a moment ago), and open() would wait for its writer, holding the caller's thread.
 */
export function isGzipFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return false;
  }
  try {
    return isGzipFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** A zlib error as the problem a user reads. */
export function gzipProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR') return 'the gzip data ends early (the compressed file is truncated)';
  return `damaged gzip data (${e instanceof Error ? e.message : String(e)})`;
}

/** Whether `e` is zlib's. */
export function isZlibError(e: unknown): boolean {
  return typeof (e as NodeJS.ErrnoException)?.code === 'string' && (e as NodeJS.ErrnoException).code!.startsWith('Z_');
}
