#!/usr/bin/env node
// Classroom load (part of `npm run bench`; DECISIONS: 50 classroom clients = 50 Node WebSocket clients plus
// 2 real Chromium pages). `handshake-lab serve` with:
//   - the teacher capturing on lo at about 1,000 frames/s (this script's traffic) for --seconds, shared;
//   - 50 WebSocket clients on the class URL following that live capture (pushes, as a page gets them);
//   - 50 more stepping through a lesson (open, ladder, each step, each question answered), over and over;
//   - 2 Chromium pages: the teacher's dashboard, and a student following the capture;
//   - an open-loop prober asking GET / every 20 ms from a process of its own.
// Then: one client pulls 1,000,000 rows (10,000 a request) while the prober keeps asking, and serve is
// stopped with SIGTERM while capturing. Reports server RSS, the server's event-loop delay p99, GET /
// latency, frames delivered and skipped per following client, and the time SIGTERM took.
// Needs root (or capture permission), dumpcap or cap, and Chromium for the pages; exits 3 (skipped) otherwise.
//
// Options: --seconds S (default 60), --rate F (frames/s, default 1000), --followers N (50), --students N (50),
//          --file F (a capture for the 1M-row pull; default: one of 100,000 frames generated here), --port P
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiClient as client } from './bench/api-client.js';
import { generate } from './bench/generate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const seconds = Number(opt('seconds', 60));
const rate = Number(opt('rate', 1000));
const followersN = Number(opt('followers', 50));
const studentsN = Number(opt('students', 50));
const port = Number(opt('port', 24190));
const pagesN = Number(opt('pages', 2));
const pullRows = Number(opt('pull-rows', 1_000_000));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** This script's helper processes (prober, traffic): killed when it ends, even on an error. */
const helpers = new Set();
const helper = (child) => { helpers.add(child); child.on('exit', () => helpers.delete(child)); return child; };
const pct = (xs, p) => { if (!xs.length) return NaN; const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

function startServe(dataDir) {
  return new Promise((resolve, reject) => {
    // BENCH_SERVE_NODE_ARGS: node options for serve (e.g. --cpu-prof --cpu-prof-dir=DIR to see where its time goes).
    const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, join(root, 'bin', 'handshake-lab.js'), 'serve', '--no-open-browser', ...(process.getuid?.() === 0 ? ['--allow-root'] : [])], {
      env: { ...process.env, HANDSHAKE_LAB_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const t = /serving at (http:\/\/\S+)/.exec(out), c = /Class URL for students: (\S+)/.exec(out);
      if (t && c) resolve({ child, url: new URL(t[1]), classUrl: new URL(c[1]) });
    });
    child.stderr.on('data', () => undefined);
    child.on('exit', (code) => reject(new Error(`serve exited (${code})`)));
  });
}


/**
 * About `perSecond` frames a second on loopback port `port` for `ms` (64-byte messages, each echoed: two
 * segments each, the ACKs riding on them), from a process of its own: in this one, the 100 clients' parsing of what they are pushed
 * held its timers back (it reached 252 frames/s of 1,000 on a loaded machine). Resolves with the messages sent.
 */
function traffic(perSecond, ms) {
  const script = `
    const net = require('net');
    const [port, perSecond, ms] = process.argv.slice(1).map(Number);
    // Each message is echoed: a segment each way, the echo carrying the ACK (a receiver that only reads
    // ACKs every other segment, and the wire carried ~750 frames/s instead of 1,000).
    const server = net.createServer((s) => { s.setNoDelay(true); s.on('data', (d) => s.write(d)); });
    server.listen(port, '127.0.0.1', () => {
      const c = net.createConnection({ host: '127.0.0.1', port }, () => {
        c.on('data', () => undefined);
        c.setNoDelay(true);
        const msg = Buffer.alloc(64, 0x61);
        const t0 = Date.now();
        let sent = 0;
        // One message at a time, paced: each is its own segment (and its echo's), not coalesced with others.
        const gap = 2000 / perSecond;
        const tick = () => {
          if (Date.now() - t0 >= ms) { c.destroy(); server.close(); process.stdout.write(String(sent)); return; }
          while (sent < (Date.now() - t0) / gap) { c.write(msg); sent++; }
          setTimeout(tick, Math.max(0, t0 + (sent + 1) * gap - Date.now()));
        };
        tick();
      });
    });`;
  const child = helper(spawn(process.execPath, ['-e', script, String(port), String(perSecond), String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] }));
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  return new Promise((resolve) => child.on('exit', () => resolve(Number(out) || 0)));
}

/** GET / every 20 ms from a process of its own, open loop; resolves with [sent at (Date.now()), wait ms] pairs when stopped. */
function prober(url) {
  const script = `
    const http = require('http');
    const [host, port] = process.argv.slice(1);
    const waits = []; let open = 0;
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const timer = setInterval(() => {
      const t0 = performance.now(); open++;
      const at = Date.now(); http.get({ host, port, path: '/', agent }, (res) => { res.resume(); res.on('end', () => { waits.push([at, performance.now() - t0]); open--; }); }).on('error', () => { open--; });
    }, 20);
    process.on('SIGTERM', () => { clearInterval(timer); const done = () => open ? setTimeout(done, 20) : process.stdout.write(JSON.stringify(waits), () => process.exit(0)); done(); });`;
  const child = helper(spawn(process.execPath, ['-e', script, url.hostname, url.port], { stdio: ['ignore', 'pipe', 'ignore'] }));
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const stop = () => new Promise((r) => { child.on('exit', () => r(JSON.parse(out || '[]'))); child.kill('SIGTERM'); });
  return {
    stop: async () => {
      const all = await stop();
      if (process.env.BENCH_DEBUG) {
        const first = Math.min(...all.map((w) => w[0]));
        console.log('  slowest GET /:', [...all].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([t, w]) => `${w.toFixed(0)} ms at ${((t - first) / 1000).toFixed(1)} s`).join(', '));
      }
      return all;
    },
  };
}

/** Max resident memory of a process while `running()` holds (sampled every 250 ms), MiB. */
function rssSampler(pid) {
  let max = 0;
  const timer = setInterval(() => {
    try { max = Math.max(max, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024); } catch { /* gone */ }
  }, 250);
  return { stop: () => { clearInterval(timer); return max; } };
}

/**
 * The right answer to each question of a lesson, in the form a student sends it, as the back end computes
 * it from the lesson's capture: a teacher-mode session reads each question's revealed answer (its text)
 * and it is turned back into a state, a number, a byte range, an order or a choice id.
 */
async function answerKey(url, lesson) {
  const t = await client(url);
  await t.call('setTeacherMode', { on: true });
  await t.call('openLesson', { id: lesson.id });
  const state = await t.call('lessonProgress', { lesson: lesson.id, step: 0 });
  t.ws.close();
  return lesson.steps.map((step, i) => {
    const q = step.question;
    const text = state.questions[i]?.reveal?.answer.en;
    if (!q || text === undefined) return null;
    switch (q.kind) {
      case 'state': return text;
      case 'number': return Number(text.split(' ')[0]);
      case 'bytes': { const [a, b = a] = text.split('–').map(Number); return [a, b + 1]; }
      case 'order': return text.split(' → ').map((t) => q.items.find((it) => it.text.en === t)?.id ?? t);
      case 'choice': return q.choices.find((c) => c.text.en === text)?.id ?? text;
      default: throw new Error(`a question of kind ${q.kind} the bench does not know`);
    }
  });
}

/** A wrong answer to `q` (one the lesson offers, or a number off by one), or null when the bench has none. */
function wrongAnswer(q, right) {
  if (q.kind === 'state') return (q.choices ?? ['CLOSED', 'LISTEN']).find((c) => c !== right) ?? null;
  if (q.kind === 'choice') return q.choices.map((c) => c.id).find((c) => c !== right) ?? null;
  if (q.kind === 'number') return right + 1;
  return null;
}

/**
 * A student stepping through the classic lesson until `until`: opens it, looks at the ladder, and at each
 * step reads its frame and answers its question right, from the capture (the lesson's gate lets nobody
 * past a question not answered right). Every third student answers wrong first, reads the feedback, then
 * answers right, as students do. The player resumes a learner's progress, so each round starts a new learner,
 * on a page of its own (a session identifies as 3 learners at most).
 */
async function student(url, i, until, lesson, key) {
  let rounds = 0, wrong = 0;
  while (Date.now() < until()) {
    const s = await client(url);
    await s.call('identify', { learner: `bench-learner-${String(i).padStart(4, '0')}-${rounds}`, name: `Student ${i + 1}` });
    await s.call('openLesson', { id: lesson.id });
    await s.call('getLadder', { stream: lesson.stream ?? 0 });
    let step = 0;
    for (; step < lesson.steps.length && Date.now() < until(); step++) {
      await s.call('lessonProgress', { lesson: lesson.id, step });
      await s.call('getFrame', { number: lesson.steps[step].frame ?? 1 });
      const q = lesson.steps[step].question;
      if (q && key[step] !== null) {
        const bad = (i + rounds) % 3 === 0 ? wrongAnswer(q, key[step]) : null;
        if (bad !== null && !(await s.call('answerQuestion', { lesson: lesson.id, step, answer: bad })).correct) wrong++;
        const r = await s.call('answerQuestion', { lesson: lesson.id, step, answer: key[step] });
        if (!r.correct) throw new Error(`student ${i}: the right answer to step ${step + 1} was graded wrong`);
      }
      await sleep(800 + (i % 7) * 100);
    }
    if (step === lesson.steps.length) rounds++;
    s.ws.close();
  }
  return { rounds, wrong };
}

async function pages(teacherUrl, classUrl, share) {
  let playwright;
  try {
    playwright = await import('playwright-core');
  } catch {
    return null;
  }
  if (!existsSync('/usr/bin/chromium')) return null;
  const browser = await playwright.chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const t = await browser.newPage();
  await t.goto(teacherUrl.href);
  await t.click('[data-testid=class-dashboard-toggle]');
  const s = await browser.newPage();
  await s.goto(classUrl.href);
  await s.fill('[data-testid=student-name]', 'Page student');
  await s.click('[data-testid=student-join]');
  await s.click('[data-testid=shared-menu]');
  await s.click(`[data-testid=shared-${share}]`);
  return browser;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'handshake-lab-bench-class-'));
  let serve;
  try {
    let file = opt('file', null);
    if (!file) {
      file = join(dataDir, 'pull-100k.pcap');
      generate(file, { frames: 100_000 });
    }
    serve = await startServe(dataDir);
    const teacher = await client(serve.url);
    const info = await teacher.call('getAppInfo');
    if (!info.capture.available) { console.log(`classroom bench skipped: ${info.capture.reason}`); return 3; }
    try {
      await teacher.call('startCapture', { interface: 'lo', filter: `tcp port ${port}` });
    } catch (e) { console.log(`classroom bench skipped: ${e.message}`); return 3; }
    const share = await teacher.call('share', { what: 'view', download: false });
    const rss = rssSampler(serve.child.pid);
    const probe = prober(serve.url);
    const followers = await Promise.all(Array.from({ length: followersN }, () => client(serve.classUrl)));
    await Promise.all(followers.map((f, i) => f.call('identify', { learner: `bench-follower-${String(i).padStart(4, '0')}`, name: `Follower ${i + 1}` }).then(() => f.call('openShared', { id: share.id }))));
    const browser = pagesN === 0 ? null : await pages(serve.url, serve.classUrl, share.id).catch((e) => { console.log(`Chromium pages not opened: ${e.message}`); return null; });
    const end = Date.now() + seconds * 1000;
    const until = () => end;
    const before = (await teacher.call('getStatus')).counters;
    console.log(`classroom load: ${followersN} clients following a live capture at ~${rate} frames/s, ${studentsN} students in a lesson, ${browser ? 2 : 0} Chromium pages, ${seconds} s`);
    const lesson = JSON.parse(readFileSync(join(root, 'assets', 'lessons', 'classic-linux.json'), 'utf8'));
    const key = await answerKey(serve.url, lesson);
    const [sent, studied] = await Promise.all([
      traffic(rate, end - Date.now()),
      Promise.all(Array.from({ length: studentsN }, (_, i) => student(serve.classUrl, i, until, lesson, key))),
    ]);
    await sleep(1500);
    const after = (await teacher.call('getStatus')).counters;
    const snap = await teacher.call('getClass');
    const probed = await probe.stop();
    const waitsLoad = probed.map((w) => w[1]);
    // Once the class has settled: the first seconds are 100 clients and two pages arriving at once.
    const waitsSteady = probed.filter((w) => w[0] >= end - seconds * 1000 + 10_000).map((w) => w[1]);
    const rssLoad = rss.stop();
    const captured = after.captured - before.captured;
    const delivered = followers.map((f) => f.stats.rows), skipped = followers.map((f) => f.stats.skipped);
    console.log(`  frames captured ${captured} (${(captured / seconds).toFixed(0)}/s, ${sent * 2} sent about), kernel drops ${after.droppedByKernel - before.droppedByKernel}`);
    console.log(`  per following client: delivered min ${Math.min(...delivered)} / median ${pct(delivered, 0.5)} / max ${Math.max(...delivered)}, skipped (counted, pullable) min ${Math.min(...skipped)} / median ${pct(skipped, 0.5)} / max ${Math.max(...skipped)}; delivered + skipped = captured for ${followers.filter((f) => f.stats.rows + f.stats.skipped >= captured - 5).length} of ${followersN}`);
    console.log(`  students: ${studied.reduce((a, b) => a + b.rounds, 0)} lessons stepped through to the end (every question answered right, ${studied.reduce((a, b) => a + b.wrong, 0)} wrong first answers); dashboard lists ${snap.students.length} students, ${snap.questions.length} questions`);
    console.log(`  server: RSS max ${rssLoad.toFixed(0)} MiB, event-loop delay p99 ${snap.server.eventLoopP99Ms} ms (since start), ${snap.server.sessions} sessions`);
    console.log(`  GET / every 20 ms (open loop): median ${pct(waitsLoad, 0.5).toFixed(1)} ms, p99 ${pct(waitsLoad, 0.99).toFixed(1)} ms, max ${Math.max(...waitsLoad).toFixed(1)} ms (${waitsLoad.length} requests); from 10 s into the class on: median ${pct(waitsSteady, 0.5).toFixed(1)} ms, p99 ${pct(waitsSteady, 0.99).toFixed(1)} ms, max ${Math.max(...waitsSteady).toFixed(1)} ms`);
    for (const f of followers) f.ws.close();
    await browser?.close();

    // One client pulls a million rows while GET / keeps being asked.
    const puller = await client(serve.url);
    const opened = await puller.call('openFile', { path: file });
    const probe2 = prober(serve.url);
    const t0 = Date.now();
    let pulled = 0, k = 0;
    while (pulled < pullRows) {
      const batch = await Promise.all([0, 1, 2, 3].map(() => puller.call('getFrames', { start: ((k++) * 10_000) % Math.max(1, opened.frames - 10_000), count: 10_000 })));
      pulled += batch.reduce((n, b) => n + b.rows.length, 0);
    }
    const waitsPull = (await probe2.stop()).map((w) => w[1]);
    console.log(`  ${pulled.toLocaleString('en')} rows pulled in ${((Date.now() - t0) / 1000).toFixed(1)} s (10,000 a request, 4 at a time) from a ${opened.frames}-frame capture; GET / meanwhile: median ${pct(waitsPull, 0.5).toFixed(1)} ms, p99 ${pct(waitsPull, 0.99).toFixed(1)} ms, max ${Math.max(...waitsPull).toFixed(1)} ms`);
    puller.ws.close();

    // SIGTERM while the capture runs.
    const stopAt = Date.now();
    const exited = new Promise((r) => serve.child.once('exit', r));
    serve.child.kill('SIGTERM');
    await exited;
    console.log(`  SIGTERM while capturing: serve exited in ${Date.now() - stopAt} ms (target ≤ 2000)`);
    teacher.ws.close();
    serve = null;
    return 0;
  } finally {
    serve?.child.kill('SIGKILL');
    for (const c of helpers) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e) => {
  console.error(`bench-class: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
