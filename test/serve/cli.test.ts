// The built `handshake-lab serve` command end to end: printed URL, the built renderer with its CSP,
// a preloaded file reachable over the WebSocket, refusals, and a clean stop on SIGINT.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

/** serve refuses root unless told (tests run as root to capture). */
const ROOT_FLAG = process.getuid?.() === 0 ? ['--allow-root'] : [];
import { writePcap, synthFrames } from '../backend/synth';

const repo = join(__dirname, '..', '..');
const chunks = join(repo, 'out', 'main', 'chunks');
const built = existsSync(chunks) && readdirSync(chunks).some((f) => f.startsWith('serve-') && readFileSync(join(chunks, f), 'utf8').includes('Handshake Lab is serving at'));
if (!built) console.log('skipping the serve CLI test: build first (npm run build)');

/** The built CLI serving a small synthetic capture (`--open`), with a data folder of its own. */
function serveWithCapture(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, 'lab.pcap');
  writePcap(file, synthFrames({ connections: 2 }));
  const child = spawn(process.execPath, [join(repo, 'bin', 'handshake-lab.js'), 'serve', '--no-open-browser', ...ROOT_FLAG, '--open', file], {
    env: { ...process.env, HANDSHAKE_LAB_DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { dir, child, exited };
}

describe('handshake-lab serve (built CLI)', () => {
  it.skipIf(!built)('serves the built app, preloads --open, refuses strangers, stops on SIGINT', async () => {
    const { dir, child, exited } = serveWithCapture('hl-serve-cli-');
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    for (let i = 0; i < 100 && !/Opened /.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const m = /serving at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43}))\n/.exec(out);
    expect(m, out).not.toBeNull();
    const url = new URL((m as RegExpExecArray)[1]);
    expect(out).toMatch(/Opened .*lab\.pcap: \d+ frames/);
    const page = await fetch(`${url.origin}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(readFileSync(join(repo, 'out', 'renderer', 'index.html'), 'utf8'));
    expect(page.headers.get('content-security-policy')).toBe(meta?.[1]);
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(html);
    if (script) expect((await fetch(`${url.origin}${script[1]}`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${url.origin}/capture`)).status).toBe(401);
    const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin });
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    // The server speaks first (session, shares): wait for the answer to our request.
    const reply = new Promise<{ result: { total: number } }>((r) => ws.on('message', (d) => { const m = JSON.parse(String(d)) as { id?: number; result: { total: number } }; if (m.id === 1) r(m); }));
    ws.send(JSON.stringify({ id: 1, method: 'getStatus' }));
    expect((await reply).result.total).toBeGreaterThan(0);
    ws.close();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!built)('keeps serving when its output pipes close (EPIPE), and still stops cleanly', async () => {
    const { dir, child, exited } = serveWithCapture('hl-serve-epipe-');
    // The reader goes away after the first line, as `serve | head -1` does: later lines hit a closed pipe.
    const first = await new Promise<string>((r) => child.stdout.once('data', (d) => r(String(d))));
    child.stdout.destroy();
    child.stderr.destroy();
    const m = /serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})/.exec(first);
    expect(m, first).not.toBeNull();
    const url = new URL((m as RegExpExecArray)[1]);
    // Still serving after its "Opened …" line went nowhere.
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode).toBeNull();
    expect((await fetch(`${url.origin}/`)).status).toBe(200);
    // "Stopping." also goes to the closed pipe; the exit is still clean.
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('handshake-lab serve (built CLI): no token in ps, no root, no stale uploads', () => {
  it.skipIf(!built || process.platform !== 'linux')('opens the browser with a 0600 redirect file, never the token on a command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-serve-open-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const seen = join(dir, 'xdg-open-args.json');
    // A stand-in xdg-open: records what it was given (what `ps` would show) and what that file held.
    writeFileSync(join(bin, 'xdg-open'), `#!${process.execPath}
const fs = require('fs');
const arg = process.argv[2];
const path = arg.startsWith('file://') ? decodeURIComponent(new URL(arg).pathname) : arg;
let mode = null, text = null;
try { mode = fs.statSync(path).mode & 0o777; text = fs.readFileSync(path, 'utf8'); } catch {}
fs.writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ argv: process.argv.slice(2), path, mode, text }));
`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const child = spawn(process.execPath, [join(repo, 'bin', 'handshake-lab.js'), 'serve', ...ROOT_FLAG], {
      env: { ...process.env, HANDSHAKE_LAB_DATA_DIR: dir, DISPLAY: ':99', PATH: `${bin}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    for (let i = 0; i < 200 && !existsSync(seen); i++) await new Promise((r) => setTimeout(r, 50));
    const token = /serving at http:\/\/[^?]+\?token=([A-Za-z0-9_-]{43})/.exec(out)?.[1];
    expect(token, out).toBeTruthy();
    const got = JSON.parse(readFileSync(seen, 'utf8')) as { argv: string[]; path: string; mode: number; text: string };
    expect(got.argv.join(' ')).not.toContain(token);
    expect(got.mode).toBe(0o600);
    expect(got.text).toContain(`?token=${token}`);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // Gone with the server.
    expect(existsSync(got.path)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!built || process.getuid?.() !== 0)('refuses to run as root without --allow-root, and says what --allow-root means', async () => {
    const r = spawnSync(process.execPath, [join(repo, 'bin', 'handshake-lab.js'), 'serve', '--no-open-browser'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/refusing to run as root/);
    expect(r.stderr).toMatch(/--allow-root/);
    expect(r.stdout).not.toMatch(/serving at/);
  });

  it.skipIf(!built)('removes upload folders and decompressed copies of servers that are gone, and keeps those of running ones', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'hl-serve-tmp-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const gone = join(tmp, 'handshake-lab-uploads-gone01');
    const running = join(tmp, 'handshake-lab-uploads-alive1');
    const old = join(tmp, 'handshake-lab-uploads-older1');
    for (const d of [gone, running, old]) mkdirSync(d);
    // Decompressed copies of .gz captures (fresh eyes: a killed server's stayed for ever): the pid is in the name.
    const goneCopy = join(tmp, `handshake-lab-gunzip-${dead}-abc123`);
    const runningCopy = join(tmp, `handshake-lab-gunzip-${process.pid}-abc123`);
    const oldCopy = join(tmp, 'handshake-lab-gunzip-older1');
    for (const d of [goneCopy, runningCopy, oldCopy]) mkdirSync(d);
    writeFileSync(join(goneCopy, 'abc-lab.pcap'), 'x');
    utimesSync(oldCopy, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    writeFileSync(join(gone, 'server.pid'), dead);
    writeFileSync(join(gone, 'abc-lab.pcap'), 'x');
    writeFileSync(join(running, 'server.pid'), String(process.pid));
    // An older version's folder (no pid file), untouched for two hours.
    utimesSync(old, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    const child = spawn(process.execPath, [join(repo, 'bin', 'handshake-lab.js'), 'serve', '--no-open-browser', ...ROOT_FLAG], {
      env: { ...process.env, TMPDIR: tmp, HANDSHAKE_LAB_DATA_DIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    for (let i = 0; i < 200 && !/serving at/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(running)).toBe(true);
    expect(existsSync(goneCopy)).toBe(false);
    expect(existsSync(oldCopy)).toBe(false);
    expect(existsSync(runningCopy)).toBe(true);
    // Its own folder holds its pid, and goes when it stops.
    const own = readdirSync(tmp).filter((n) => n.startsWith('handshake-lab-uploads-') && join(tmp, n) !== running);
    expect(own).toHaveLength(1);
    expect(readFileSync(join(tmp, own[0], 'server.pid'), 'utf8')).toBe(String(child.pid));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(join(tmp, own[0]))).toBe(false);
    rmSync(tmp, { recursive: true, force: true });
  });
});
