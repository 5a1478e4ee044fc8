// Decompressed copies of gzip-compressed captures for the frame store. The store re-reads a frame's bytes
// at its offset in the capture, which a gzip stream cannot give, so a .pcapng.gz is decompressed once, as
// it loads, into a temporary file; the copy goes when its store closes it, or when the process exits.
// A browser's upload has its copy counted against the upload quota (its bytes are on this server's disk
// as much as the upload's), and copies of a process that was killed are removed by the next server.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { removeStaleDirs, type UploadTicket } from './uploads';

/** Folder names under the temporary folder: handshake-lab-gunzip-<pid>-XXXXXX (the pid of the process that made it). */
export const PLAIN_COPY_DIR_PREFIX = 'handshake-lab-gunzip-';

export class PlainCopy {
  readonly path: string;
  private readonly dir: string;
  private fd: number | null;
  /** Bytes written so far (frames below this offset can be read back). */
  written = 0;

  /** `ticket`: what counts its bytes (a browser's upload: the upload quota), given back when it goes. */
  constructor(readonly source: string, private readonly ticket: Pick<UploadTicket, 'abort'> | null = null) {
    // The pid in the name tells a later server whether this one is gone (removeStalePlainCopyDirs).
    this.dir = mkdtempSync(join(tmpdir(), `${PLAIN_COPY_DIR_PREFIX}${process.pid}-`));
    this.path = join(this.dir, basename(source).replace(/\.gz$/i, '') || 'capture');
    this.fd = openSync(this.path, 'w', 0o600);
    live.add(this);
  }

  append(chunk: Uint8Array): void {
    if (this.fd === null) return;
    for (let off = 0; off < chunk.length;) off += writeSync(this.fd, chunk, off);
    this.written += chunk.length;
  }

  /** Done writing (the file stays for reading). */
  finish(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  dispose(): void {
    this.finish();
    rmSync(this.dir, { recursive: true, force: true });
    this.ticket?.abort();
    live.delete(this);
    if (copies.get(this.source) === this) copies.delete(this.source);
  }
}

const copies = new Map<string, PlainCopy>();
const live = new Set<PlainCopy>();
let exitHook = false;

/** A new, empty copy for `source` (an absolute path), replacing the one made earlier for it. */
export function newPlainCopy(source: string, ticket: Pick<UploadTicket, 'abort'> | null = null): PlainCopy {
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => { for (const c of [...live]) c.dispose(); });
  }
  copies.get(source)?.dispose();
  const c = new PlainCopy(source, ticket);
  copies.set(source, c);
  return c;
}

/** Removes the copy made for `source`, if any (its store is closed). */
export function releasePlainCopy(source: string): void {
  copies.get(source)?.dispose();
}

/** The copy being (or already) made for `source`, or one made now in a single step when none is. */
export function plainCopyOf(source: string): PlainCopy {
  const have = copies.get(source);
  if (have) return have;
  const c = newPlainCopy(source);
  c.append(gunzipSync(readFileSync(source)));
  c.finish();
  return c;
}

/**
 * Removes the copies' folders under `tmp` left by processes of this user that are no longer running (a
 * server killed before its exit hook ran): never a running one's, whose pid its folder's name holds.
 */
export function removeStalePlainCopyDirs(tmp: string, now = Date.now()): string[] {
  return removeStaleDirs(tmp, PLAIN_COPY_DIR_PREFIX, now, (_dir, name) => {
    const pid = /^(\d+)-/.exec(name.slice(PLAIN_COPY_DIR_PREFIX.length))?.[1];
    return pid === undefined ? undefined : Number(pid);
  });
}
