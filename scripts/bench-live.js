#!/usr/bin/env node
// Live loopback throughput (part of `npm run bench`): runs `handshake-lab serve`, connects a WebSocket
// client as a browser would, captures on lo while this script sends TCP segments at rising rates,
// and reports per rate: frames per second captured and stored (and autosaved), the kernel's and
// dumpcap's drops (known when dumpcap stops: a capture per rate), segments the capture missed
// (gaps in sequence numbers), whether every payload byte sent is in the store, and the rows pushed to
// the client and skipped (the client pulls what it shows). The best rate with no loss is the number;
// tcpdump captures the same traffic alongside, for comparison.
// Needs root (or capture permission) and the cap module; exits 3 (skipped) otherwise.
//
// Options: --seconds S (per rate, default 3), --rates 1000,2000,… (frames per second), --port P (traffic port)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiClient as client } from './bench/api-client.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const seconds = Number(opt('seconds', 3));
const rates = String(opt('rates', '1000,2000,5000,10000,20000,40000,60000,80000,100000')).split(',').map(Number);
const port = Number(opt('port', 24090));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startServe(dataDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'handshake-lab.js'), 'serve', '--no-open-browser', ...(process.getuid?.() === 0 ? ['--allow-root'] : [])], {
      env: { ...process.env, HANDSHAKE_LAB_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving at (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: new URL(m[1]) });
    });
    child.stderr.on('data', (d) => process.stderr.write(`[serve] ${d}`));
    child.on('exit', (code) => reject(new Error(`serve exited (${code})`)));
  });
}


/**
 * Sends ~rate frames per second for `secs` seconds: 64-byte messages (one segment and about one ACK each).
 * Returns the payload bytes the server received: what crossed lo. (Counting the writes made was wrong:
 * destroying the socket right after end() discarded what Node had not yet written, so at a few thousand
 * frames/s the bench reported payload bytes "not captured" that were never sent, with every counter at zero.)
 */
async function traffic(rate, secs) {
  let received = 0;
  let serverSide = null;
  const server = createServer((s) => { serverSide = s; s.on('data', (d) => { received += d.length; }); });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const c = createConnection({ host: '127.0.0.1', port });
  await new Promise((r) => c.once('connect', r));
  c.setNoDelay(true);
  const msg = Buffer.alloc(64, 0x61);
  const perSecond = rate / 2;
  const t0 = process.hrtime.bigint();
  let sent = 0;
  for (;;) {
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    if (elapsed >= secs) break;
    const due = Math.floor(elapsed * perSecond) - sent;
    for (let i = 0; i < due; i++) c.write(msg);
    sent += Math.max(0, due);
    await new Promise((r) => setImmediate(r));
  }
  // Everything written, then the server's end read to its FIN.
  await new Promise((r) => c.end(r));
  await new Promise((r) => (serverSide && !serverSide.readableEnded ? serverSide.once('end', r) : r()));
  await sleep(100);
  c.destroy();
  await new Promise((r) => server.close(r));
  return received;
}

const hasTcpdump = () => spawnSync('sh', ['-c', 'command -v tcpdump'], { stdio: 'ignore' }).status === 0;

/** tcpdump on the same traffic (to /dev/null); stop() gives the frames it captured and the kernel dropped. */
function startTcpdump(p) {
  const child = spawn('tcpdump', ['-i', 'lo', '-n', '-w', '/dev/null', `tcp port ${p}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return {
    stop: () => new Promise((resolve) => {
      child.once('close', () => resolve({ captured: Number(/(\d+) packets captured/.exec(err)?.[1] ?? NaN), dropped: Number(/(\d+) packets dropped by kernel/.exec(err)?.[1] ?? NaN) }));
      child.kill('SIGINT');
    }),
  };
}

/**
 * Whether the newest connection's client→server sequence space in the store covers `bytes` payload bytes
 * (null: no TCP decoded). Its highest relative seq + len, less the SYN's 1: retransmitted segments (lo
 * has a few at high rates) count once, as they must; a segment the capture missed is a gap the
 * missed-segments counter shows.
 */
async function payloadCaptured(api, bytes) {
  const conns = await api.call('listConnections');
  if (!conns.length) return null;
  const c = conns[conns.length - 1];
  let top = 1;
  for (let start = 0; start < c.frames; start += 10000) {
    const page = await api.call('getLadder', { stream: c.stream, start, count: 10000 });
    for (const s of page.segments) if (s.direction === 'c2s' && s.len > 0 && s.seq + s.len > top) top = s.seq + s.len;
  }
  if (process.env.BENCH_VERBOSE) console.log(`  payload: ${top - 1} bytes of c2s sequence space in the store, ${bytes} received by the server; connections ${conns.length}, frames ${c.frames}`);
  return top - 1 === bytes;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'handshake-lab-bench-live-'));
  let serve;
  try {
    serve = await startServe(dataDir);
    const api = await client(serve.url);
    const info = await api.call('getAppInfo');
    if (!info.capture.available) {
      console.log(`live bench skipped: ${info.capture.reason}`);
      return 3;
    }
    // A capture per rate: dumpcap reports the kernel's and its own drops only when it stops, so each
    // rate's counters are read after its capture stopped. tcpdump captures the same traffic alongside.
    const tcpdump = hasTcpdump();
    console.log(`live loopback throughput (serve + WebSocket client, ${seconds} s per rate, a capture per rate; pushes ≤ 30/s, ≤ 50 rows each above 1,500 frames/s; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}):`);
    console.log('target f/s   captured f/s   stored f/s   kernel+dumpcap drops   missed segs   pushed rows   skipped rows   payload complete   lossless' + (tcpdump ? '   tcpdump f/s (drops)' : ''));
    let best = 0;
    for (const rate of rates) {
      try {
        await api.call('startCapture', { interface: 'lo', filter: `tcp port ${port}` });
      } catch (e) {
        console.log(`live bench skipped: ${e.message}`);
        return 3;
      }
      const dump = tcpdump ? startTcpdump(port) : null;
      await sleep(300);
      const rows0 = api.stats.rows, skipped0 = api.stats.skipped;
      const bytes = await traffic(rate, seconds);
      // Let the capture, the store and the pushes catch up.
      let last = -1;
      for (let i = 0; i < 40; i++) {
        await sleep(100);
        const c = (await api.call('getStatus')).counters;
        if (c.decoded === last) break;
        last = c.decoded;
      }
      await api.call('stopCapture');
      const dumped = dump ? await dump.stop() : null;
      await sleep(300);
      // After the stop: dumpcap has written its last frames and the store has every one.
      const complete = await payloadCaptured(api, bytes);
      const after = (await api.call('getStatus')).counters;
      const secs = seconds;
      const captured = after.captured, decoded = after.decoded;
      const drops = after.droppedByKernel + after.droppedByUs;
      const delivered = api.stats.rows - rows0, skipped = api.stats.skipped - skipped0;
      const lossless = drops === 0 && decoded === captured && after.missedSegments === 0 && complete === true;
      if (lossless) best = Math.max(best, decoded / secs);
      console.log(`${String(rate).padStart(10)}   ${(captured / secs).toFixed(0).padStart(12)}   ${(decoded / secs).toFixed(0).padStart(10)}   ${String(drops).padStart(20)}   ${String(after.missedSegments).padStart(11)}   ${String(delivered).padStart(11)}   ${String(skipped).padStart(12)}   ${String(complete === null ? 'n/a' : complete ? 'yes' : 'NO').padStart(16)}   ${(lossless ? 'yes' : 'no').padStart(8)}` + (dumped ? `   ${(dumped.captured / secs).toFixed(0).padStart(11)} (${dumped.dropped})` : ''));
    }
    console.log(`best lossless live rate: ${best.toFixed(0)} frames/s captured, stored and autosaved with no drop, no missed segment and every payload byte (goal ≥ 50,000; pushes to the client: largest batch ${api.stats.maxRows} rows, ${api.stats.batches} batches)`);
    api.ws.close();
    return 0;
  } finally {
    serve?.child.kill('SIGTERM');
    await sleep(200);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(`bench-live: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
