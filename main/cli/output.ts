// Buffered stdout: large outputs (millions of JSON lines) written in big chunks, and a reader
// that closes the pipe early (`| head`) ends the program quietly instead of with EPIPE.
import { writeSync } from 'node:fs';

export class Output {
  private parts: string[] = [];
  private size = 0;
  /** True once the reader has gone away; callers may stop producing. */
  closed = false;

  constructor(private readonly fd = 1, private readonly limit = 1 << 20) {}

  write(s: string): void {
    if (this.closed) return;
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= this.limit) this.flush();
  }

  flush(): void {
    if (this.closed || this.parts.length === 0) return;
    const data = this.parts.join('');
    this.parts = [];
    this.size = 0;
    const buf = Buffer.from(data, 'utf8');
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue; // non-blocking pipe momentarily full: try again
        if (code === 'EPIPE') { this.closed = true; return; }
        throw e;
      }
    }
  }
}
