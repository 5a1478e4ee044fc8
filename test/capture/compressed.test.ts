// Recognising gzip-compressed captures by their bytes never waits: the loader asks of a path it has just
// checked, and by then the path may name a FIFO nobody writes to (fresh eyes: that held the server's
// event loop, and so every client, in open()).
import { afterAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { isGzipFile } from '../../main/capture/compressed';

const dir = mkdtempSync(join(tmpdir(), 'hl-compressed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('tells a gzip file from a plain one by its bytes', () => {
  writeFileSync(join(dir, 'a.pcap'), gzipSync(Buffer.from('not really a capture')));
  writeFileSync(join(dir, 'b.pcap.gz'), Buffer.from([0xd4, 0xc3, 0xb2, 0xa1]));
  expect(isGzipFile(join(dir, 'a.pcap'))).toBe(true);
  expect(isGzipFile(join(dir, 'b.pcap.gz'))).toBe(false);
  expect(isGzipFile(join(dir, 'missing'))).toBe(false);
});

it('a FIFO nobody writes to is not gzip, said at once', async () => {
  const fifo = join(dir, 'fifo.pcap');
  execFileSync('mkfifo', [fifo]);
  // A writer after 3 s on a thread of its own: a check blocked on the pipe comes back, and the test fails.
  const writer = new Worker(`setTimeout(() => require('node:fs').closeSync(require('node:fs').openSync(${JSON.stringify(fifo)}, 'w')), 3000)`, { eval: true });
  await new Promise((r) => writer.once('online', r));
  try {
    const t0 = performance.now();
    expect(isGzipFile(fifo)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
  } finally {
    await writer.terminate();
  }
});
