// Files browsers upload (serve): each belongs to the session that sent it (only that session may open
// it), counts against a per-file and a total quota and against the number a session and the server hold
// (3,000 empty uploads were all stored at 420/s, fresh eyes: each a file and map entries; a session at its
// number lets its oldest upload that no capture reads go), and is removed when its session is freed and no
// open capture reads it any more. Upload folders of servers that are gone (killed, crashed) are removed at start.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Folder names under the temporary folder: handshake-lab-uploads-XXXXXX (mkdtemp). */
export const UPLOAD_DIR_PREFIX = 'handshake-lab-uploads-';
const PID_FILE = 'server.pid';
/** A folder without a pid file (an older version's) counts as stale once untouched this long. */
const UNKNOWN_STALE_MS = 60 * 60_000;

export interface UploadTicket {
  /** Why `n` more bytes would pass a limit, or null (nothing is counted yet). */
  wouldFit(n: number): string | null;
  /** Counts `n` more bytes; a reason when that would pass a limit (the upload must then be refused). */
  add(n: number): string | null;
  /** The upload failed or was refused: its bytes no longer count. */
  abort(): void;
  readonly bytes: number;
}

export class Uploads {
  /** Bytes of all uploads stored now (and of uploads arriving). */
  used = 0;
  private readonly files = new Map<string, { session: string; bytes: number; orphan: boolean; handle: string }>();
  private readonly handles = new Map<string, string>();
  /** Per session, its uploads stored and arriving (their places taken by reserve). */
  private readonly held = new Map<string, number>();
  private arriving = 0;

  constructor(readonly dir: string, private readonly limits: { fileBytes: number; totalBytes: number; perSession: number; files: number }, private readonly log: (line: string) => void) {
    // Who owns this folder: a later server removes it once this process is gone.
    try {
      writeFileSync(join(dir, PID_FILE), String(process.pid), { mode: 0o600 });
    } catch { /* the folder may not exist yet in tests; removal by age then */ }
  }

  begin(): UploadTicket {
    let bytes = 0;
    const problem = (n: number): string | null => {
      if (bytes + n > this.limits.fileBytes) return `file is larger than the ${this.limits.fileBytes}-byte limit`;
      if (this.used + n > this.limits.totalBytes) return `uploads on this server are limited to ${this.limits.totalBytes} bytes in total, and that much is in use; close captures you no longer need`;
      return null;
    };
    return {
      wouldFit: problem,
      add: (n) => {
        const p = problem(n);
        if (p) return p;
        bytes += n;
        this.used += n;
        return null;
      },
      abort: () => {
        this.used -= bytes;
        bytes = 0;
      },
      get bytes() {
        return bytes;
      },
    };
  }

  /**
   * Takes a place for one more upload of `session`, or says why there is none. A session at its number
   * (limits.perSession) first lets its oldest uploads that no open capture reads (`inUse`) go; so does one
   * asking when the server holds its number (limits.files), which never takes another session's.
   * The place is given back by commit (the file then holds it) or unreserve.
   */
  reserve(session: string, inUse: (path: string) => boolean): string | null {
    const count = () => this.held.get(session) ?? 0;
    const full = () => count() >= this.limits.perSession || this.files.size + this.arriving >= this.limits.files;
    if (full()) {
      for (const [path, f] of this.files) {
        if (!full()) break;
        if (f.session === session && !f.orphan && !inUse(path)) void this.remove(path);
      }
    }
    if (count() >= this.limits.perSession) {
      return `a session may hold ${this.limits.perSession} uploads at most, and all of yours are open; close one you no longer need`;
    }
    if (this.files.size + this.arriving >= this.limits.files) {
      return `this server holds ${this.limits.files} uploads, the most it may; close captures you no longer need, or ask the teacher`;
    }
    this.held.set(session, count() + 1);
    this.arriving++;
    return null;
  }

  /** An upload that had a place (reserve) was refused or failed. */
  unreserve(session: string): void {
    this.arriving = Math.max(0, this.arriving - 1);
    this.drop(session);
  }

  private drop(session: string): void {
    const n = (this.held.get(session) ?? 0) - 1;
    if (n > 0) this.held.set(session, n);
    else this.held.delete(session);
  }

  /**
   * The upload arrived whole: it is `session`'s (it holds the place reserve took). Returns the name the page opens it by ("upload:…"),
   * so no client learns where the server keeps files.
   */
  commit(path: string, session: string, bytes: number): string {
    const handle = `upload:${randomBytes(12).toString('base64url')}`;
    this.arriving = Math.max(0, this.arriving - 1);
    this.files.set(path, { session, bytes, orphan: false, handle });
    this.handles.set(handle, path);
    return handle;
  }

  /** The file behind an upload name, if `session` sent it. */
  resolve(handle: string, session: string): string | null {
    const path = this.handles.get(handle);
    return path && this.files.get(path)?.session === session ? path : null;
  }

  owner(path: string): string | null {
    return this.files.get(path)?.session ?? null;
  }

  /** A session was freed: its uploads go, except those an open capture still reads (they go with it). */
  release(session: string, inUse: (path: string) => boolean): void {
    for (const [path, f] of this.files) {
      if (f.session !== session) continue;
      if (inUse(path)) {
        f.orphan = true;
        this.drop(session);
      } else void this.remove(path);
    }
  }

  /** A capture was closed: remove its file if it was an orphaned upload. */
  closed(path: string | null): void {
    if (path && this.files.get(path)?.orphan) void this.remove(path);
  }

  private async remove(path: string): Promise<void> {
    const f = this.files.get(path);
    if (!f) return;
    this.files.delete(path);
    this.handles.delete(f.handle);
    if (!f.orphan) this.drop(f.session);
    this.used -= f.bytes;
    await unlink(path).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') this.log(`could not remove upload ${path}: ${e.message}`); });
  }
}

/** Removes upload folders under `tmp` left by servers of this user that are no longer running. */
export function removeStaleUploadDirs(tmp: string, now = Date.now()): string[] {
  return removeStaleDirs(tmp, UPLOAD_DIR_PREFIX, now, (dir) => {
    try {
      return Number(readFileSync(join(dir, PID_FILE), 'utf8').trim());
    } catch {
      return undefined;
    }
  });
}

/**
 * Removes this user's folders under `tmp` whose names start with `prefix` and whose owner process no longer
 * runs: `pidOf` names it (undefined when it cannot tell: then a folder untouched for an hour is stale).
 * Never a running process's folder; a folder another server removes meanwhile is skipped.
 */
export function removeStaleDirs(tmp: string, prefix: string, now: number, pidOf: (dir: string, name: string) => number | undefined): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(tmp).filter((n) => n.startsWith(prefix));
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const dir = join(tmp, name);
    try {
      const st = statSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      const pid = pidOf(dir, name);
      if (pid !== undefined ? processAlive(pid) : now - st.mtimeMs <= UNKNOWN_STALE_MS) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch { /* another server removed it */ }
  }
  return removed;
}

/** Whether process `pid` runs (EPERM: it does, as another user's). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
