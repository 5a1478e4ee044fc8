// Buffered stdout: large outputs (millions of JSON lines) written in big chunks, and a reader
// that closes the pipe early (`| head`) ends the program quietly instead of with EPIPE.
// Strings are encoded straight into one reused buffer: joining them first (Array.join) ran at
// ~60 MB/s here, encoding into a buffer at over 1 GB/s.
import { writeSync } from 'node:fs';

/** Node's Buffer encoders behind write() (present since Node 0.x, not in its typings). */
interface RawEncoders {
  latin1Write(s: string, offset: number): number;
  utf8Write(s: string, offset: number): number;
}

export class Output {
  private readonly buf: Buffer;
  /** The buffer's raw encoders, or null where a runtime lacks them (then write() is used). */
  private readonly raw: RawEncoders | null;
  private used = 0;
  /** True once the reader has gone away; callers may stop producing. */
  closed = false;

  constructor(private readonly fd = 1, limit = 1 << 20) {
    this.buf = Buffer.allocUnsafe(limit);
    const raw = this.buf as unknown as Partial<RawEncoders>;
    this.raw = typeof raw.latin1Write === 'function' && typeof raw.utf8Write === 'function' ? (raw as RawEncoders) : null;
  }

  /** Writes `s`; `ascii` promises it holds only ASCII (then it is copied byte for byte, not UTF-8 encoded). */
  write(s: string, ascii = false): void {
    if (this.closed) return;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: check room without measuring the string.
    if (this.used + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        this.send(Buffer.from(s, 'utf8'));
        return;
      }
    }
    // Buffer's own encoders, without write()'s argument checks (the room was checked above): those checks
    // were a third of the cost of writing a short line, tens of thousands of times.
    const raw = this.raw;
    this.used += raw ? (ascii ? raw.latin1Write(s, this.used) : raw.utf8Write(s, this.used)) : this.buf.write(s, this.used, ascii ? 'latin1' : 'utf8');
  }

  /**
   * Writes ASCII `s` in a field of `width` characters, padded with spaces (before it when `right`, else
   * after it), then `gap` spaces: a table's cell without making the padded string (padStart, padEnd and
   * joining the cells made most of what `stats` allocated for tens of thousands of rows).
   */
  cell(s: string, width: number, right: boolean, gap: number): void {
    if (this.closed) return;
    const pad = width > s.length ? width - s.length : 0;
    const need = s.length + pad + gap;
    if (this.used + need > this.buf.length) {
      this.flush();
      if (need > this.buf.length) {
        this.write(right ? ' '.repeat(pad) + s + ' '.repeat(gap) : s + ' '.repeat(pad + gap), true);
        return;
      }
    }
    const buf = this.buf;
    let at = this.used;
    if (right) for (const end = at + pad; at < end;) buf[at++] = 0x20;
    const raw = this.raw;
    at += raw ? raw.latin1Write(s, at) : buf.write(s, at, 'latin1');
    for (const end = at + (right ? 0 : pad) + gap; at < end;) buf[at++] = 0x20;
    this.used = at;
  }

  flush(): void {
    if (this.closed || this.used === 0) return;
    const n = this.used;
    this.used = 0;
    this.send(this.buf.subarray(0, n));
  }

  private send(data: Uint8Array): void {
    let off = 0;
    while (off < data.length && !this.closed) {
      try {
        off += writeSync(this.fd, data, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue; // non-blocking pipe momentarily full: try again
        if (code === 'EPIPE') { this.closed = true; return; }
        throw e;
      }
    }
  }
}

/**
 * Aborted once standard output's reader has gone (`experiment | head -3`): commands may stop producing.
 * The CLI's entry sets it for every command (tolerateClosedOutput), so none ends with an EPIPE trace.
 */
export const stdoutClosed = new AbortController();

/**
 * For long-running commands that write to stdout/stderr with `process.*.write`: a reader that goes away
 * (`| head`, a closed terminal, a launcher that dropped its pipes) makes those streams emit EPIPE
 * asynchronously, which would end the process with an unhandled 'error'. The output is dropped instead,
 * and `onClosed` says whether to go on (serve keeps serving) or to stop (watch ends as `decode | head` does).
 */
export function tolerateClosedOutput(onClosed: (stream: 'stdout' | 'stderr') => void = () => undefined): () => void {
  const handlers = (['stdout', 'stderr'] as const).map((name) => {
    const stream = process[name];
    let told = false;
    // Any write error on an output stream (EPIPE, or EIO from a closed terminal) means its reader is gone.
    const h = () => {
      if (told) return;
      told = true;
      onClosed(name);
    };
    stream.on('error', h);
    return () => stream.off('error', h);
  });
  return () => handlers.forEach((off) => off());
}
