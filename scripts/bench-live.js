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
// Two generators. `tcp`: a real connection through the kernel (this script writes 64-byte messages to a
// socket); it tops out near 40,000 frames/s on a 2-core machine, where it competes with serve, dumpcap and
// tcpdump. `tcpreplay`: tcpreplay (Debian's package) replays onto lo, at a bounded rate (--pps), a capture
// written for it (bench/replay-capture.js: a few connections of small segments), and what serve stored is
// compared with that file itself: every frame in the autosave byte for byte, each connection's segments in
// the store (sequence and acknowledgment numbers, lengths, flags) as the file has them. `auto` (the
// default) uses the socket generator up to 20,000 frames/s, where it keeps up, and tcpreplay above when it
// is installed (else the socket generator, saying so).
//
// Options: --seconds S (per rate, default 3), --rates 1000,2000,… (frames per second), --port P (traffic
// port), --generator auto|tcp|tcpreplay. BENCH_SERVE_NODE_ARGS: node options for serve (e.g. --cpu-prof
// --cpu-prof-dir=DIR to see where its time goes).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiClient as client } from './bench/api-client.js';
import { readFrames, segmentsByConnection, writeReplayCapture } from './bench/replay-capture.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const seconds = Number(opt('seconds', 3));
const rates = String(opt('rates', '1000,2000,5000,10000,20000,40000,60000,80000,100000,120000,150000')).split(',').map(Number);
const port = Number(opt('port', 24090));
const generator = String(opt('generator', 'auto'));
/** Above this rate `auto` replays with tcpreplay: the socket generator reaches about 40,000 frames/s here, less under load. */
const SOCKET_GENERATOR_MAX = 20000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startServe(dataDir) {
  return new Promise((resolve, reject) => {
    const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, join(root, 'bin', 'handshake-lab.js'), 'serve', '--no-open-browser', ...(process.getuid?.() === 0 ? ['--allow-root'] : [])], {
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

const installed = (program) => spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;

/**
 * Replays `file` onto lo at `rate` frames per second with tcpreplay; resolves with the frames it sent, in
 * how many seconds (its own report) and the CPU seconds it used, or rejects with its error. tcpreplay's
 * default timer busy-waits a whole core between packets, which on a 2-core machine takes half of what the
 * capture pipeline could use: it sleeps instead (nanosleep) and sends a group of packets per 0.5 ms.
 */
function replay(file, rate) {
  const perInterval = Math.max(1, Math.round(rate / 2000));
  const args = ['-q', '-i', 'lo', '--timer=nano', `--pps=${rate}`, ...(perInterval > 1 ? [`--pps-multi=${perInterval}`] : []), file];
  return new Promise((resolve, reject) => {
    // The shell reads its own stat after tcpreplay exits: the CPU time of the children it waited for.
    const child = spawn('sh', ['-c', 'tcpreplay "$@"; s=$?; read -r st < /proc/$$/stat 2>/dev/null && echo "cpu-of-children $st"; exit $s', 'sh', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /Actual: (\d+) packets .* sent in ([\d.]+) seconds/.exec(out);
      const failed = Number(/Failed packets:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const st = /cpu-of-children .*\) (.*)/.exec(out)?.[1].split(' ');
      if (code !== 0 || !m) reject(new Error(`tcpreplay failed (exit ${code}): ${out.trim().split('\n').slice(-3).join(' ')}`));
      else resolve({ sent: Number(m[1]) - failed, seconds: Number(m[2]), cpu: st ? (Number(st[13]) + Number(st[14])) / 100 : null });
    });
  });
}

/**
 * What serve stored against the replayed file itself: the autosave holds every frame of the file, byte for
 * byte and in order, and the store holds each of the file's connections with its segments as the file has
 * them (direction, raw sequence and acknowledgment numbers, payload length, flags, in order). Returns null
 * when all agree, else what differs first.
 */
async function compareWithReplayed(api, replayed, autosave) {
  const saved = autosave ? readFrames(autosave) : [];
  if (!autosave) return 'no autosave file in the capture status';
  if (saved.length !== replayed.length) return `autosave holds ${saved.length} frames, the replayed file ${replayed.length}`;
  for (let i = 0; i < replayed.length; i++) if (!saved[i].equals(replayed[i])) return `autosaved frame ${i + 1} differs from the replayed one`;
  const expected = segmentsByConnection(replayed, port);
  const conns = await api.call('listConnections');
  if (conns.length !== expected.size) return `${conns.length} connections stored, ${expected.size} replayed`;
  for (const c of conns) {
    const client = Number(/:(\d+)$/.exec(c.client)?.[1]);
    const want = expected.get(client);
    if (!want) return `stored connection ${c.client} → ${c.server} was not replayed`;
    if (c.frames !== want.length) return `connection ${c.client}: ${c.frames} frames stored, ${want.length} replayed`;
    for (let start = 0; start < c.frames; start += 10000) {
      const page = await api.call('getLadder', { stream: c.stream, start, count: 10000 });
      for (let k = 0; k < page.segments.length; k++) {
        const got = page.segments[k], w = want[start + k];
        if (got.direction !== w.direction || got.seqRaw !== w.seqRaw || got.len !== w.len || (got.flags & 0xff) !== w.flags || (w.flags & 0x10 && got.ackRaw !== w.ackRaw)) {
          return `connection ${c.client}, segment ${start + k + 1}: stored ${got.direction} seq ${got.seqRaw} ack ${got.ackRaw} len ${got.len} flags ${got.flags}, replayed ${w.direction} seq ${w.seqRaw} ack ${w.ackRaw} len ${w.len} flags ${w.flags}`;
        }
      }
    }
  }
  return null;
}

/** CPU seconds (user + system) a process has used so far; null where /proc does not tell (not Linux). */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/** The dumpcap serve runs (its child, or its watchdog's), or null. */
function dumpcapOf(pid) {
  const children = (p) => { try { return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number); } catch { return []; } };
  const name = (p) => { try { return readFileSync(`/proc/${p}/comm`, 'utf8').trim(); } catch { return ''; } };
  for (const c of children(pid)) {
    if (name(c) === 'dumpcap') return c;
    for (const g of children(c)) if (name(g) === 'dumpcap') return g;
  }
  return null;
}

/** Frames in a pcapng autosave (null when there is none). */
const autosavedFrames = (file) => (file ? readFrames(file).length : null);

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
    const tcpdump = installed('tcpdump');
    const hasReplay = installed('tcpreplay');
    if (!['auto', 'tcp', 'tcpreplay'].includes(generator)) throw new Error(`--generator must be auto, tcp or tcpreplay, not ${generator}`);
    if (generator === 'tcpreplay' && !hasReplay) throw new Error('--generator tcpreplay: tcpreplay is not installed (Debian: apt-get install tcpreplay)');
    const generatorFor = (rate) => (generator === 'auto' ? (hasReplay && rate > SOCKET_GENERATOR_MAX ? 'tcpreplay' : 'tcp') : generator);
    if (generator === 'auto') {
      console.log(hasReplay
        ? `generator: the socket generator up to ${SOCKET_GENERATOR_MAX} frames/s, tcpreplay (installed) above`
        : 'generator: the socket generator at every rate (tcpreplay is not installed, so above about 40,000 frames/s the generator, not the capture, is the limit)');
    }
    console.log(`live loopback throughput (serve + WebSocket client, ${seconds} s per rate, a capture per rate; pushes ≤ 30/s, ≤ 50 rows each above 1,500 frames/s; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}):`);
    console.log('target f/s   generator   sent f/s   captured f/s   stored f/s   autosaved   kernel+dumpcap drops   missed segs   pushed rows   skipped rows   payload complete   lossless' + (tcpdump ? '   tcpdump f/s (drops)' : ''));
    let best = 0;
    for (const rate of rates) {
      const gen = generatorFor(rate);
      let replayFile = null;
      if (gen === 'tcpreplay') {
        replayFile = join(dataDir, `replay-${rate}.pcap`);
        writeReplayCapture(replayFile, { frames: Math.round(rate * seconds), port });
      }
      let started;
      try {
        started = await api.call('startCapture', { interface: 'lo', filter: `tcp port ${port}` });
      } catch (e) {
        console.log(`live bench skipped: ${e.message}`);
        return 3;
      }
      const dump = tcpdump ? startTcpdump(port) : null;
      await sleep(300);
      const rows0 = api.stats.rows, skipped0 = api.stats.skipped;
      // What serve and its dumpcap spend per frame (CPU seconds, from capture start to stop).
      const dumpcapPid = dumpcapOf(serve.child.pid);
      const cpu0 = [cpuSeconds(serve.child.pid), dumpcapPid && cpuSeconds(dumpcapPid)];
      let bytes = 0, sent = null, secs = seconds, generatorCpu = null;
      if (replayFile) ({ sent, seconds: secs, cpu: generatorCpu } = await replay(replayFile, rate));
      else bytes = await traffic(rate, seconds);
      // Let the capture, the store and the pushes catch up.
      let last = -1;
      for (let i = 0; i < 40; i++) {
        await sleep(100);
        const c = (await api.call('getStatus')).counters;
        if (c.decoded === last) break;
        last = c.decoded;
      }
      const cpu1 = [cpuSeconds(serve.child.pid), dumpcapPid && cpuSeconds(dumpcapPid)];
      const stopped = await api.call('stopCapture');
      const dumped = dump ? await dump.stop() : null;
      await sleep(300);
      // After the stop: dumpcap has written its last frames, the store has every one, the autosave is closed.
      const autosave = stopped.file ?? started.file ?? null;
      let complete, problem = null;
      if (replayFile) {
        problem = await compareWithReplayed(api, readFrames(replayFile), autosave);
        complete = problem === null;
        rmSync(replayFile, { force: true });
      } else {
        complete = await payloadCaptured(api, bytes);
      }
      const after = (await api.call('getStatus')).counters;
      const captured = after.captured, decoded = after.decoded;
      const saved = autosavedFrames(autosave);
      const drops = after.droppedByKernel + after.droppedByUs;
      const delivered = api.stats.rows - rows0, skipped = api.stats.skipped - skipped0;
      const lossless = drops === 0 && decoded === captured && saved === captured && after.missedSegments === 0 && complete === true && (sent === null || captured === sent);
      if (lossless) best = Math.max(best, decoded / secs);
      console.log(`${String(rate).padStart(10)}   ${gen.padStart(9)}   ${(sent === null ? '' : (sent / secs).toFixed(0)).padStart(8)}   ${(captured / secs).toFixed(0).padStart(12)}   ${(decoded / secs).toFixed(0).padStart(10)}   ${String(saved === null ? 'n/a' : saved === captured ? 'all' : `${saved}/${captured}`).padStart(9)}   ${String(drops).padStart(20)}   ${String(after.missedSegments).padStart(11)}   ${String(delivered).padStart(11)}   ${String(skipped).padStart(12)}   ${String(complete === null ? 'n/a' : complete ? 'yes' : 'NO').padStart(16)}   ${(lossless ? 'yes' : 'no').padStart(8)}` + (dumped ? `   ${(dumped.captured / secs).toFixed(0).padStart(11)} (${dumped.dropped})` : ''));
      const usPerFrame = (i) => (cpu0[i] === null || !cpu1[i] || !captured ? 'n/a' : `${(((cpu1[i] - cpu0[i]) / captured) * 1e6).toFixed(1)} µs`);
      console.log(`  ${rate} f/s: CPU per captured frame: serve ${usPerFrame(0)}, dumpcap ${usPerFrame(1)}${generatorCpu === null ? '' : `; tcpreplay used ${((generatorCpu / secs) * 100).toFixed(0)}% of a core`}; load average ${loadavg()[0].toFixed(2)}${problem ? `; ${problem}` : ''}`);
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
