#!/usr/bin/env node
// Opening a large capture through `serve` (the app's back end), against tshark on the same file:
//   time to the first rows, to every frame stored, to the full connection list, against
//   `tshark -n -r FILE -T fields -e frame.number -e tcp.stream -e tcp.analysis.flags`;
//   and how long requests wait meanwhile (a `getStatus` every 20 ms, answered while the file loads).
// Usage: node scripts/bench-open.js FILE   (npm run bench runs it on its 1M-frame file). Prints; asserts nothing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiClient } from './bench/api-client.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function startServe(dataDir) {
  return new Promise((resolve, reject) => {
    // BENCH_SERVE_NODE_ARGS: extra Node flags for serve (e.g. --cpu-prof --cpu-prof-dir=DIR to profile the load).
    const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, join(root, 'bin', 'handshake-lab.js'), 'serve', '--port', '0', '--no-open-browser', ...(process.getuid?.() === 0 ? ['--allow-root'] : [])], {
      cwd: root, env: { ...process.env, HANDSHAKE_LAB_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error('serve printed no URL in 20 s')), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving at (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, url: new URL(m[1]) }); }
    });
    child.stderr.on('data', (d) => { if (process.env.BENCH_VERBOSE) process.stderr.write(`[serve] ${d}`); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited (${code})`)); });
  });
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN; };

async function openThroughServe(file) {
  const dataDir = mkdtempSync(join(tmpdir(), 'hl-bench-open-'));
  const serve = await startServe(dataDir);
  try {
    const client = await apiClient(serve.url);
    let firstRowsMs = null, storedMs = null, frames = 0;
    const t0 = performance.now();
    const done = new Promise((resolve) => {
      client.ws.on('message', (d) => {
        // Only pushes are looked at here (the API client parses answers): the 15 MB connection list parsed
        // twice on the bench's side was a third of the time it measured for it.
        const head = d.subarray(0, 24).toString('latin1');
        if (!head.startsWith('{"event":"frames"') && !head.startsWith('{"event":"progress"')) return;
        const m = JSON.parse(String(d));
        if (m.event === 'frames' && m.payload.rows.length && firstRowsMs === null) firstRowsMs = performance.now() - t0;
        if (m.event === 'progress' && m.payload.done) { storedMs = performance.now() - t0; frames = m.payload.frames; resolve(); }
      });
    });
    // Requests while the file loads: each one's wait, and how many were answered before the load ended.
    const waits = [];
    let loading = true, answeredDuring = 0;
    const probe = (async () => {
      while (loading) {
        const s = performance.now();
        await client.call('getStatus');
        waits.push(performance.now() - s);
        if (loading) answeredDuring++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await client.call('openFile', { path: file });
    // The first rows, as the page asks for them.
    client.call('getFrames', { start: 0, count: 50 }).then((r) => { if (firstRowsMs === null && r.rows?.length) firstRowsMs = performance.now() - t0; }, () => {});
    await done;
    loading = false;
    await probe;
    const conns = await client.call('listConnections');
    const connsMs = performance.now() - t0;
    client.ws.close();
    return { firstRowsMs, storedMs, connsMs, frames, connections: (conns.connections ?? conns).length, waitP50: pct(waits, 0.5), waitP99: pct(waits, 0.99), waitMax: Math.max(...waits), answeredDuring };
  } finally {
    serve.child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: bench-open.js FILE');
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  const t = performance.now();
  // BENCH_OPEN_SKIP_TSHARK=1: only the open (for comparing two builds of it); the ratio is then left out.
  const skipTshark = process.env.BENCH_OPEN_SKIP_TSHARK === '1';
  const ts = skipTshark ? { status: 0 } : spawnSync('sh', ['-c', `tshark -n -r "${file}" -T fields -e frame.number -e tcp.stream -e tcp.analysis.flags > /dev/null`]);
  const tsharkS = skipTshark ? NaN : (performance.now() - t) / 1000;
  if (ts.status !== 0) throw new Error(`tshark failed: ${String(ts.stderr).slice(0, 300)}`);
  const r = await openThroughServe(file);
  console.log(`open through serve (load average before: ${load}; after: ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  console.log(`  first rows                 ${(r.firstRowsMs / 1000).toFixed(2).padStart(8)} s`);
  console.log(`  every frame stored         ${(r.storedMs / 1000).toFixed(2).padStart(8)} s   (${r.frames} frames, ${(r.frames / (r.storedMs / 1000)).toFixed(0)} frames/s)`);
  console.log(`  full connection list       ${(r.connsMs / 1000).toFixed(2).padStart(8)} s   (${r.connections} connections)`);
  console.log(`  tshark -T fields -e frame.number -e tcp.stream -e tcp.analysis.flags: ${tsharkS.toFixed(2)} s`);
  console.log(`  open vs tshark: ${(tsharkS / (r.connsMs / 1000)).toFixed(2)}× faster   (goal ≤ 10 s and ≥ 5×)`);
  console.log(`  requests during the load: ${r.answeredDuring} answered before it ended; wait p50 ${r.waitP50.toFixed(1)} ms, p99 ${r.waitP99.toFixed(1)} ms, max ${r.waitMax.toFixed(1)} ms   (goal p99 < 50 ms)`);
}

main().catch((e) => { console.error(`bench-open: ${e instanceof Error ? e.message : String(e)}`); process.exit(2); });
