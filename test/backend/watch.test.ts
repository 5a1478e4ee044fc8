// watch: piped output is one line per state change; a terminal gets a redrawn table and is restored.
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

vi.mock('../../main/engine/dissect/index', async () => await import('./fake-engine'));
vi.mock('../../main/engine/tcp/tracker', async () => ({ TcpTracker: (await import('./fake-engine')).TcpTracker }));
vi.mock('../../main/engine/tcp/states', async () => ({ StateTracker: (await import('./fake-engine')).StateTracker }));

const { watch } = await import('../../main/cli/watch');
const { CapCapture } = await import('../../main/capture/cap-capture');
const { FakeCapture } = await import('./fake-capture');
const { synthFrames, writePcap } = await import('./synth');
const { rawFrames } = await import('../helpers/decode');

const canCapture = process.getuid?.() === 0 && (await new CapCapture().availability()).available;
if (!canCapture) console.log('skipping live watch test: needs root and the cap module');

describe('watch', () => {
  it.skipIf(!canCapture)('prints state changes line by line when not on a terminal (live on lo)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hl-watch-'));
    const port = 24030;
    let out = '';
    const ac = new AbortController();
    const done = watch({ filter: `tcp port ${port}`, tty: false, write: (s) => { out += s; }, signal: ac.signal, dataDir });
    // The header comes once the capture runs (starting it probes the device in a child process first).
    for (let i = 0; i < 200 && !out.includes('# watching'); i++) await new Promise((r) => setTimeout(r, 25));
    const srv = createServer((s) => s.on('data', () => s.end()));
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
    await new Promise<void>((resolve) => {
      const c = createConnection({ host: '127.0.0.1', port }, () => c.end("I'm TCP client"));
      c.on('close', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 600));
    srv.close();
    ac.abort();
    expect(await done).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
    const lines = out.trim().split('\n');
    // The first line says where every frame is saved (the autosave in the data folder).
    const saved = new RegExp(`^# watching lo \\(filter "tcp port ${port}"\\), every frame saved to (\\S+\\.pcapng); one line per state change$`).exec(lines[0]);
    expect(saved?.[1].startsWith(join(dataDir, 'captures')), lines[0]).toBe(true);
    expect(out).not.toContain('\x1b');
    const changes = lines.slice(1);
    expect(changes.some((l) => / stream 0  127\.0\.0\.1:\d+ ⇄ 127\.0\.0\.1:24030  client: CLOSED → SYN_SENT \(sent SYN\)$/.test(l))).toBe(true);
    expect(changes.some((l) => /server: LISTEN → SYN_RECEIVED \(received SYN\)$/.test(l))).toBe(true);
    // Each end may name its program once the OS has told ("127.0.0.1:24030 (node 4242)").
    for (const l of changes) expect(l).toMatch(/^\d+\.\d{6}  stream \d+  \S+( \([^)]+\))? ⇄ \S+( \([^)]+\))?  (client|server): [A-Z0-9_]+( → [A-Z0-9_]+)+ \(.+\)$/);
  });

  it('draws a table on a terminal and restores the screen when it quits', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hl-watch-'));
    const file = join(dataDir, 'x.pcap');
    writePcap(file, synthFrames({ connections: 3 }));
    const cap = new FakeCapture();
    let out = '';
    const ac = new AbortController();
    const done = watch({ tty: true, write: (s) => { out += s; }, signal: ac.signal, capture: cap, dataDir, columns: () => 120, rows: () => 30 });
    await new Promise((r) => setTimeout(r, 50));
    cap.deliver(rawFrames(file));
    await new Promise((r) => setTimeout(r, 600));
    ac.abort();
    expect(await done).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
    expect(out.startsWith('\x1b[?1049h\x1b[?25l')).toBe(true);
    // The screen is restored, then where the capture was saved is said on the normal screen.
    expect(out).toMatch(/\x1b\[\?25h\x1b\[\?1049lHandshake Lab: \d+ frames captured on lo, saved to \S+\.pcapng\n$/);
    const last = out.slice(out.lastIndexOf('\x1b[H'));
    expect(last).toContain('watching lo (filter "tcp")');
    expect(last.match(/TIME_WAIT/g)?.length).toBe(3);
  });
});
