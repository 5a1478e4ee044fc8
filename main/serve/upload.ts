// Browser mode's file transfer: uploads (drag-and-drop / "Open…" in a browser) are streamed to a
// private folder within the per-file and total quotas (the ticket counts them), then opened by the name
// the server answers with; what a session looks at is downloadable when it may be.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import type { UploadTicket } from '../backend/uploads';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** An empty file is no capture (and would cost a file and a place for nothing). */
const EMPTY = 'the file is empty (0 bytes): not a capture';

export function safeName(name: string | null): string {
  const base = basename((name ?? '').replace(/\\/g, '/')).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '').slice(0, 100);
  return base || 'upload.pcapng';
}

/** Streams the request body into `dir`; resolves to the stored path or an HTTP error. */
export async function receiveUpload(req: IncomingMessage, dir: string, name: string | null, ticket: UploadTicket): Promise<{ ok: true; path: string; bytes: number } | { ok: false; status: number; message: string }> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared === 0) {
    req.resume();
    return { ok: false, status: 400, message: EMPTY };
  }
  if (Number.isFinite(declared)) {
    // Refused before a byte is stored when the declared size is already too much.
    const problem = ticket.wouldFit(declared);
    if (problem) {
      req.resume();
      return { ok: false, status: 413, message: problem };
    }
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${randomBytes(6).toString('hex')}-${safeName(name)}`);
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  let bytes = 0;
  return new Promise((resolve) => {
    let failed = false;
    const fail = (status: number, message: string) => {
      if (failed) return;
      failed = true;
      ticket.abort();
      req.unpipe(out);
      out.destroy();
      req.resume();
      void rm(path, { force: true }).then(() => resolve({ ok: false, status, message }));
    };
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      const problem = ticket.add(chunk.length);
      if (problem) fail(413, problem);
    });
    req.on('aborted', () => fail(400, 'upload aborted'));
    req.on('error', () => fail(400, 'upload failed'));
    out.on('error', (e) => fail(500, `cannot store the upload: ${e.message}`));
    out.on('finish', () => {
      if (failed) return;
      if (bytes === 0) fail(400, EMPTY);
      else resolve({ ok: true, path, bytes });
    });
    req.pipe(out);
  });
}

/** Sends a capture file as an attachment named `title`. */
export async function sendDownload(res: ServerResponse, file: string, title: string, headers: Record<string, string>): Promise<void> {
  const st = await stat(file);
  const base = safeName(title);
  const name = /\.(pcapng|pcap|cap)$/i.test(base) ? base : `${base}.pcapng`;
  res.writeHead(200, {
    ...headers,
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(st.size),
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
  });
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
