#!/usr/bin/env node
// Live loopback throughput (part of `npm run bench`): runs `handshake-lab serve`, connects a WebSocket
// client as a browser would, captures on lo while this script sends TCP segments at rising rates,
// and reports per rate: frames per second captured, decoded into the store, and delivered to the
// client; kernel drops and pushed-rows skipped. The best rate with no loss of any kind is the number.
// Needs root (or capture permission) and the cap module; exits 3 (skipped) otherwise.
//
// Options: --seconds S (per rate, default 3), --rates 1000,2000,… (frames per second), --port P (traffic port)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiClient as client } from './bench/api-client.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const seconds = Number(opt('seconds', 3));
const rates = String(opt('rates', '1000,2000,5000,10000,15000,20000,40000')).split(',').map(Number);
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


/** Sends ~rate frames per second for `secs` seconds: 64-byte messages (one segment and about one ACK each). */
async function traffic(rate, secs) {
  const server = createServer((s) => s.on('data', () => undefined));
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
  c.end();
  await sleep(100);
  c.destroy();
  await new Promise((r) => server.close(r));
  return sent;
}

/** Whether the newest connection's client→server segments carry `bytes` payload bytes in total (null: no TCP decoded). */
async function payloadCaptured(api, bytes) {
  const conns = await api.call('listConnections');
  if (!conns.length) return null;
  const c = conns[conns.length - 1];
  let sum = 0;
  for (let start = 0; start < c.frames; start += 10000) {
    const page = await api.call('getLadder', { stream: c.stream, start, count: 10000 });
    for (const s of page.segments) if (s.direction === 'c2s') sum += s.len;
  }
  return sum === bytes;
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
    try {
      await api.call('startCapture', { interface: 'lo', filter: `tcp port ${port}` });
    } catch (e) {
      console.log(`live bench skipped: ${e.message}`);
      return 3;
    }
    console.log(`live loopback throughput (serve + WebSocket client, ${seconds} s per rate; pushes: ≤ 30/s, ≤ 500 rows each):`);
    console.log('target f/s   captured f/s   decoded f/s   delivered f/s   kernel drops   skipped rows   lossless');
    let best = 0;
    for (const rate of rates) {
      const before = (await api.call('getStatus')).counters;
      const rows0 = api.stats.rows, skipped0 = api.stats.skipped;
      const t0 = Date.now();
      const sent = await traffic(rate, seconds);
      // Let the capture, the store and the pushes catch up.
      let last = -1;
      for (let i = 0; i < 40; i++) {
        await sleep(100);
        const c = (await api.call('getStatus')).counters;
        if (c.decoded === last && api.stats.rows + api.stats.skipped - rows0 - skipped0 >= c.decoded - before.decoded) break;
        last = c.decoded;
      }
      const secs = seconds;
      const after = (await api.call('getStatus')).counters;
      const captured = after.captured - before.captured, decoded = after.decoded - before.decoded;
      const drops = after.droppedByKernel - before.droppedByKernel + after.droppedByUs - before.droppedByUs;
      const delivered = api.stats.rows - rows0, skipped = api.stats.skipped - skipped0;
      // cap reports no kernel drop counts: check instead that every byte sent is in a captured segment.
      const complete = await payloadCaptured(api, sent * 64);
      const lossless = drops === 0 && skipped === 0 && delivered === decoded && decoded === captured && complete !== false;
      if (lossless) best = Math.max(best, decoded / secs);
      console.log(`${String(rate).padStart(10)}   ${(captured / secs).toFixed(0).padStart(12)}   ${(decoded / secs).toFixed(0).padStart(11)}   ${(delivered / secs).toFixed(0).padStart(13)}   ${String(drops).padStart(12)}   ${String(skipped).padStart(12)}   ${lossless ? 'yes' : 'no'}   (${((Date.now() - t0) / 1000).toFixed(1)} s; all ${sent * 64} payload bytes captured: ${complete === null ? 'n/a' : complete ? 'yes' : 'NO'})`);
    }
    await api.call('stopCapture');
    console.log(`best lossless live rate: ${best.toFixed(0)} frames/s captured, decoded and delivered to a WebSocket client (largest batch ${api.stats.maxRows} rows, ${api.stats.batches} batches)`);
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
