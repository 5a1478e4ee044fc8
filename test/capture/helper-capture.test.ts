// Live capture through Wireshark's dumpcap as a helper process.
// - dumpcap's output → frames, and its errors → the API's codes: a stand-in dumpcap replays what the real
//   dumpcap 4.0 printed (test/capture/dumpcap-recorded: its pcapng stream, its stderr texts, `-D -M`), and
//   the frames are compared with tshark reading the same stream.
// - The real dumpcap as root: the same error paths as the in-process cap, and real loopback traffic
//   compared with tcpdump capturing it at the same time.
// - The point of the helper: an unprivileged user's node, with no capabilities at all, captures through a
//   dumpcap that alone holds CAP_NET_RAW and CAP_NET_ADMIN.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../main/api/contract';
import { canCaptureInProcess, chooseCaptureSource } from '../../main/capture/choose-capture';
import { findDumpcap } from '../../main/capture/dumpcap-path';
import { classifyDumpcap, dumpcapArgs, HelperCapture, parseDumpcapStats, parseInterfaceList } from '../../main/capture/helper-capture';
import type { LiveCaptureEvents, LiveCaptureStats } from '../../main/capture/live-capture';
import { permissionHelp } from '../../main/capture/permission-help';
import type { RawFrame } from '../../main/engine/types';

const here = join(__dirname, 'dumpcap-recorded');
const recorded = (name: string) => readFileSync(join(here, name), 'utf8');
const STREAM = join(here, 'lab-stream.pcapng');
const root = process.getuid?.() === 0;
const has = (cmd: string, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const tshark = has('tshark');
const dumpcap = findDumpcap();

const work = mkdtempSync(join(tmpdir(), 'hl-helper-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

/** Collects what a capture emits. */
function collector() {
  const frames: RawFrame[] = [];
  const stats: LiveCaptureStats[] = [];
  const errors: { code: string; message: string }[] = [];
  const events: LiveCaptureEvents = { frames: (b) => frames.push(...b), stats: (s) => stats.push(s), error: (e) => errors.push(e) };
  return { frames, stats, errors, events };
}

/**
 * A stand-in dumpcap (a node script): `-D` prints the recorded list; otherwise it writes `stderrStart`,
 * then `stream` in random small pieces, then waits for SIGTERM and writes `stderrEnd` (or, with
 * `exitAfter`, exits with that code by itself once the stream is out).
 */
function standIn(name: string, o: { stream?: Buffer; stderrStart?: string; stderrEnd?: string; exitAfter?: number; argsFile?: string }): string {
  const path = join(work, name);
  const data = join(work, `${name}.json`);
  writeFileSync(data, JSON.stringify({
    list: recorded('list-interfaces.txt'),
    stream: o.stream ? o.stream.toString('base64') : '',
    stderrStart: o.stderrStart ?? '', stderrEnd: o.stderrEnd ?? '', exitAfter: o.exitAfter ?? null, argsFile: o.argsFile ?? null,
  }));
  writeFileSync(path, `#!${process.execPath}
const fs = require('fs');
const d = JSON.parse(fs.readFileSync(${JSON.stringify(data)}, 'utf8'));
const args = process.argv.slice(2);
if (args[0] === '-D') { process.stdout.write(d.list); process.exit(0); }
if (d.argsFile) fs.writeFileSync(d.argsFile, JSON.stringify(args));
process.stderr.write(d.stderrStart);
const bytes = Buffer.from(d.stream, 'base64');
process.on('SIGTERM', () => { process.stderr.write(d.stderrEnd, () => process.exit(0)); });
let at = 0;
(function next() {
  if (at >= bytes.length) {
    if (d.exitAfter !== null) process.stdout.write('', () => process.exit(d.exitAfter));
    else setInterval(() => undefined, 1000);
    return;
  }
  const n = 1 + Math.floor(Math.random() * 300);
  process.stdout.write(bytes.subarray(at, at + n));
  at += n;
  setTimeout(next, Math.random() < 0.2 ? 2 : 0);
})();
`);
  chmodSync(path, 0o755);
  return path;
}

/** What tshark sees in a capture file: per frame, length, captured length, time and raw bytes. */
function tsharkFrames(file: string): { len: number; caplen: number; time: string; hex: string }[] {
  const r = spawnSync('tshark', ['-r', file, '-T', 'json', '-x'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  type Pkt = { _source: { layers: { frame: Record<string, string>; frame_raw: [string] } } };
  return (JSON.parse(r.stdout) as Pkt[]).map((p) => ({
    len: Number(p._source.layers.frame['frame.len']),
    caplen: Number(p._source.layers.frame['frame.cap_len']),
    time: p._source.layers.frame['frame.time_epoch'],
    hex: p._source.layers.frame_raw[0],
  }));
}

const epoch = (f: RawFrame) => `${f.tsSec}.${String(f.tsNsec).padStart(9, '0')}`;
const hex = (f: RawFrame) => Buffer.from(f.data).toString('hex');

describe('dumpcap output → frames, and its errors → API errors (recorded dumpcap 4.0 texts)', () => {
  it('asks dumpcap for pcapng on stdout with the interface, filter and snaplen', () => {
    expect(dumpcapArgs({ interface: 'lo', filter: 'tcp port 12345', snaplen: 262144 })).toEqual(['-i', 'lo', '-f', 'tcp port 12345', '-s', '262144', '-B', '8', '-n', '-w', '-', '-q']);
    expect(dumpcapArgs({ interface: 'eth0', filter: '', snaplen: 96 })).not.toContain('-f');
  });

  it('reads `dumpcap -D -M`: every interface, loopback first with its addresses, pseudo-interfaces last', () => {
    const text = recorded('list-interfaces.txt');
    const list = parseInterfaceList(text);
    const names = text.split('\n').filter(Boolean).map((l) => l.split('\t')[0].replace(/^\d+\. /, ''));
    expect(list.map((i) => i.name).sort()).toEqual([...names].sort());
    expect(list[0]).toMatchObject({ name: 'lo', description: 'Loopback', loopback: true });
    expect(list[0].addresses).toEqual(['127.0.0.1', '::1']);
    expect(list.filter((i) => i.loopback)).toHaveLength(1);
    expect(list[1].name).toBe('eth0');
    expect(list.findIndex((i) => i.name === 'any')).toBeGreaterThan(1);
    // An interface dumpcap lists without addresses takes the OS's.
    expect(parseInterfaceList(text, { ifb0: ['10.9.9.9'] }).find((i) => i.name === 'ifb0')?.addresses).toEqual(['10.9.9.9']);
  });

  it('maps dumpcap\'s permission error to permission_denied, with setcap on dumpcap (never node or Electron)', () => {
    const e = classifyDumpcap(recorded('permission.txt'), 'lo', '', '/usr/bin/dumpcap');
    expect(e.code).toBe('permission_denied');
    expect(e.message).toMatch(/^no permission to capture on lo \(dumpcap: You do not have permission to capture on device "lo"\. \(socket: Operation not permitted\)\)/);
    const help = permissionHelp();
    expect(e.message).toContain(help.commands[0]);
    // dumpcap's own advice (Debian, setcap …dumpcap with "{path/to/}") is replaced by ours.
    expect(e.message).not.toContain('{path/to/}');
    expect(e.message).not.toContain(process.execPath);
  });

  it('maps a bad filter, a missing interface, a missing or forbidden helper', () => {
    const bad = classifyDumpcap(recorded('bad-filter.txt'), 'lo', 'tcp porrt 80', '/usr/bin/dumpcap');
    expect(bad.code).toBe('bad_filter');
    expect(bad.message).toBe('invalid capture filter "tcp porrt 80": can\'t parse filter expression: syntax error');
    const none = classifyDumpcap(recorded('no-such-interface.txt'), 'nosuch0', '', '/usr/bin/dumpcap');
    expect(none.code).toBe('no_such_interface');
    expect(none.message).toBe('there is no interface named nosuch0 (dumpcap: There is no device named "nosuch0". (No such device exists))');
    const missing = classifyDumpcap('', 'lo', '', '/opt/none/dumpcap', 'ENOENT');
    expect(missing.code).toBe('capture_unavailable');
    expect(missing.message).toMatch(/capture helper \/opt\/none\/dumpcap was not found/);
    // Debian's dumpcap is root:wireshark 0754 for users allowed to capture: others cannot even run it.
    const forbidden = classifyDumpcap('', 'lo', '', '/usr/bin/dumpcap', 'EACCES');
    expect(forbidden.code).toBe('permission_denied');
    expect(forbidden.message).toMatch(/no permission to run the capture helper \/usr\/bin\/dumpcap/);
    expect(classifyDumpcap('dumpcap: something new\n', 'lo', '', '/usr/bin/dumpcap').code).toBe('capture_unavailable');
  });

  it('reads the counters dumpcap prints when it stops', () => {
    expect(parseDumpcapStats(recorded('stopped.txt'))).toEqual({ captured: 2, received: 2, droppedByKernel: 0, droppedByInterface: 0 });
    expect(parseDumpcapStats('Packets received/dropped on interface \'eth0\': 1000/37 (pcap:30/dumpcap:5/flushed:2/ps_ifdrop:4) (96.3%)\n'))
      .toEqual({ captured: null, received: 1000, droppedByKernel: 37, droppedByInterface: 4 });
    expect(parseDumpcapStats(recorded('permission.txt'))).toBeNull();
  });

  it('permission help names the helper and says how to install it when missing', () => {
    const h = permissionHelp('linux', '/opt/wireshark/bin/dumpcap');
    expect(h.commands).toEqual(['sudo setcap cap_net_raw,cap_net_admin=eip /opt/wireshark/bin/dumpcap']);
    expect(h.commands.join('\n')).not.toContain(process.execPath);
    const missing = permissionHelp('linux', null);
    expect(missing.commands[0]).toBe('sudo apt install wireshark-common');
    expect(missing.steps.join(' ')).toMatch(/not installed/);
  });

  it('chooses in-process cap only where this process may capture; the helper otherwise, and always for Electron', () => {
    const facts = (inProcess: boolean, dumpcapPath: string | null, capLoadable = true) => ({ env: {}, facts: { inProcess, dumpcap: dumpcapPath, capLoadable } });
    expect(chooseCaptureSource(facts(true, '/usr/bin/dumpcap')).source).toBe('cap');
    expect(chooseCaptureSource(facts(false, '/usr/bin/dumpcap')).source).toBe('helper');
    expect(chooseCaptureSource({ ...facts(true, '/usr/bin/dumpcap'), preferHelper: true }).source).toBe('helper');
    expect(chooseCaptureSource(facts(true, '/usr/bin/dumpcap', false)).source).toBe('helper');
    expect(chooseCaptureSource(facts(false, null)).source).toBe('cap');
    expect(chooseCaptureSource(facts(false, null, false))).toMatchObject({ source: 'helper', dumpcap: null });
    expect(chooseCaptureSource({ ...facts(true, '/usr/bin/dumpcap'), env: { HANDSHAKE_LAB_CAPTURE: 'helper' } }).source).toBe('helper');
    expect(chooseCaptureSource({ ...facts(false, '/usr/bin/dumpcap'), env: { HANDSHAKE_LAB_CAPTURE: 'cap' } }).source).toBe('cap');
  });

  it('tells from CapEff whether this process may capture', () => {
    expect(canCaptureInProcess('linux', 'Name:\tnode\nCapEff:\t000001ffffffffff\n')).toBe(true);
    expect(canCaptureInProcess('linux', 'CapEff:\t0000000000000000\n')).toBe(false);
    expect(canCaptureInProcess('linux', 'CapEff:\t0000000000003000\n')).toBe(true); // NET_ADMIN + NET_RAW
    expect(canCaptureInProcess('linux', 'CapEff:\t0000000000002000\n')).toBe(false); // NET_RAW alone
    // This very process: what /proc says, as the kernel reports it.
    const eff = /CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
    expect(canCaptureInProcess()).toBe((BigInt(`0x${eff}`) & 0x3000n) === 0x3000n);
  });

  it.skipIf(!tshark)('delivers the frames of dumpcap\'s pcapng stream as tshark reads them, then the final counters', async () => {
    const argsFile = join(work, 'args.json');
    const fake = standIn('dumpcap-stream', { stream: readFileSync(STREAM), stderrStart: 'Capturing on \'Loopback: lo\'\nFile: -\n', stderrEnd: recorded('stopped.txt').replace(/2/g, '30').replace('pcap:0', 'pcap:3').replace('ps_ifdrop:0', 'ps_ifdrop:1'), argsFile });
    const c = collector();
    const session = await new HelperCapture(fake).start({ interface: 'lo', filter: 'tcp port 24780', snaplen: 65535 }, c.events);
    expect(JSON.parse(readFileSync(argsFile, 'utf8'))).toEqual(dumpcapArgs({ interface: 'lo', filter: 'tcp port 24780', snaplen: 65535 }));
    const want = tsharkFrames(STREAM);
    for (let t = 0; c.frames.length < want.length && t < 100; t++) await new Promise((r) => setTimeout(r, 20));
    const final = await session.stop();
    expect(session.linktype).toBe(1);
    expect(c.frames.map((f) => ({ len: f.len, caplen: f.data.length, time: epoch(f), hex: hex(f) }))).toEqual(want);
    expect(c.frames.every((f) => f.linktype === 1 && f.interface === 0)).toBe(true);
    // Frames own their bytes: none is a view into a shared buffer.
    expect(new Set(c.frames.map((f) => f.data.buffer)).size).toBe(c.frames.length);
    expect(final).toEqual({ captured: want.length, droppedByKernel: 3, droppedByInterface: 1 });
    expect(c.stats[c.stats.length - 1]).toEqual(final);
    expect(c.errors).toEqual([]);
  });

  it('rejects start with the recorded permission error, and says when dumpcap stops without a word', async () => {
    const denied = standIn('dumpcap-denied', { stderrStart: recorded('permission.txt'), exitAfter: 1 });
    const e = await failure(new HelperCapture(denied).start({ interface: 'lo', filter: '', snaplen: 65535 }, collector().events));
    expect(e.code).toBe('permission_denied');
    const bad = standIn('dumpcap-bad-filter', { stderrStart: recorded('bad-filter.txt'), exitAfter: 1 });
    expect((await failure(new HelperCapture(bad).start({ interface: 'lo', filter: 'tcp porrt 80', snaplen: 65535 }, collector().events))).code).toBe('bad_filter');
    const mute = standIn('dumpcap-mute', { exitAfter: 3 });
    const m = await failure(new HelperCapture(mute).start({ interface: 'lo', filter: '', snaplen: 65535 }, collector().events));
    expect(m.code).toBe('capture_unavailable');
    expect(m.message).toMatch(/stopped \(exit code 3\) before capturing/);
    expect((await failure(new HelperCapture(join(work, 'nothing-here')).start({ interface: 'lo', filter: '', snaplen: 65535 }, collector().events))).code).toBe('capture_unavailable');
    expect((await new HelperCapture(null).availability()).available).toBe(false);
    // An interface dumpcap does not list is refused before dumpcap runs.
    const n = await failure(new HelperCapture(mute).start({ interface: 'nosuch0', filter: '', snaplen: 65535 }, collector().events));
    expect(n.code).toBe('no_such_interface');
    expect(n.message).toMatch(/no interface named nosuch0; available: lo, eth0/);
  });

  it('reports a helper that dies while capturing, and damaged output, as errors (once)', async () => {
    const stream = readFileSync(STREAM);
    const dies = standIn('dumpcap-dies', { stream, exitAfter: 1 });
    const c = collector();
    const s = await new HelperCapture(dies).start({ interface: 'lo', filter: '', snaplen: 65535 }, c.events);
    for (let t = 0; !c.errors.length && t < 100; t++) await new Promise((r) => setTimeout(r, 20));
    expect(c.errors).toEqual([{ code: 'capture_unavailable', message: expect.stringMatching(/stopped unexpectedly \(exit code 1\)/) }]);
    expect(c.frames.length).toBe(tsharkFramesCount());
    await s.stop();
    // A stream that turns to garbage after its first blocks: the frames before it, then one error.
    const firstBlocks = firstBlocksLength(stream, 3);
    const garbage = Buffer.concat([stream.subarray(0, firstBlocks), Buffer.from([6, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4])]);
    const g = collector();
    const sg = await new HelperCapture(standIn('dumpcap-garbage', { stream: garbage })).start({ interface: 'lo', filter: '', snaplen: 65535 }, g.events);
    for (let t = 0; !g.errors.length && t < 100; t++) await new Promise((r) => setTimeout(r, 20));
    await sg.stop();
    expect(g.errors).toHaveLength(1);
    expect(g.errors[0]).toMatchObject({ code: 'capture_unavailable', message: expect.stringMatching(/output could not be read: damaged/) });
    expect(g.frames).toHaveLength(1); // SHB, IDB, then one packet block
  });
});

function tsharkFramesCount(): number {
  const r = spawnSync('tshark', ['-r', STREAM, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  return r.stdout.trim().split('\n').length;
}

/** Byte length of the first `n` pcapng blocks (little-endian, as dumpcap writes here). */
function firstBlocksLength(buf: Buffer, n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) at += buf.readUInt32LE(at + 4);
  return at;
}

// ---------------------------------------------------------------- the real dumpcap, as root

/** tcpdump as an independent witness of loopback traffic; resolves once it listens. Its stop lets libpcap's 1 s blocks close first. */
async function witness(file: string, filter: string): Promise<{ stop(): Promise<void> }> {
  const p: ChildProcess = spawn('tcpdump', ['-i', 'lo', '-n', '-Z', 'root', '--time-stamp-precision=nano', '-U', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/listening on/.test(err)) resolve();
    });
    p.on('exit', (code) => reject(new Error(`tcpdump exited ${code}: ${err}`)));
  });
  return {
    stop: () => new Promise<void>((resolve) => {
      p.removeAllListeners('exit');
      p.on('exit', () => resolve());
      setTimeout(() => p.kill('SIGINT'), 1500);
    }),
  };
}

/** Per frame, what tshark decodes of TCP: ports, flags, raw seq/ack, payload length, and the time. */
function tcpRows(file: string): { key: string; time: number }[] {
  const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.flags', '-e', 'tcp.seq_raw', '-e', 'tcp.ack_raw', '-e', 'tcp.len', '-e', 'frame.time_epoch'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => {
    const f = l.split('\t');
    return { key: f.slice(0, 6).join(' '), time: Number(f[6]) };
  });
}

/**
 * Two captures of the same traffic hold the same segments. Two packet sockets may see segments sent at the
 * same moment on different CPUs in a different order, and stamp them separately (a few µs apart), so the
 * segments are compared as sets, and each one's time with the witness's within `slackMs`.
 */
function expectSameSegments(mine: { key: string; time: number }[], witness: { key: string; time: number }[], slackMs: number): void {
  expect(mine.map((r) => r.key).sort()).toEqual(witness.map((r) => r.key).sort());
  const at = new Map(witness.map((r) => [r.key, r.time]));
  for (const r of mine) expect(Math.abs(r.time - at.get(r.key)!) * 1000, r.key).toBeLessThan(slackMs);
}

/** Writes frames as a classic pcap (Ethernet), for tshark to read. */
function writePcapFile(file: string, frames: RawFrame[]): void {
  const parts: Buffer[] = [];
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b23c4d, 0); // nanoseconds
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(262144, 16);
  hdr.writeUInt32LE(frames[0]?.linktype ?? 1, 20);
  parts.push(hdr);
  for (const f of frames) {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(f.tsSec, 0);
    rec.writeUInt32LE(f.tsNsec, 4);
    rec.writeUInt32LE(f.data.length, 8);
    rec.writeUInt32LE(f.len, 12);
    parts.push(rec, Buffer.from(f.data));
  }
  writeFileSync(file, Buffer.concat(parts));
}

/** A few TCP connections to `port` on 127.0.0.1 (each sends a line, gets 3000 bytes back, closes). */
async function traffic(port: number, connections: number): Promise<void> {
  const server = createServer((s) => {
    s.once('data', () => s.end(Buffer.alloc(3000, 0x78)));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  for (let i = 0; i < connections; i++) {
    await new Promise<void>((resolve, reject) => {
      const c = createConnection(port, '127.0.0.1', () => c.write('I\'m TCP client'));
      c.on('data', () => undefined);
      c.on('end', () => { c.end(); resolve(); });
      c.on('error', reject);
    });
  }
  await new Promise((r) => setTimeout(r, 50));
  await new Promise<void>((r) => server.close(() => r()));
}

const tcpdump = has('tcpdump');
const realReason = !root ? 'not root' : !dumpcap ? 'no dumpcap' : !tshark ? 'no tshark' : !tcpdump ? 'no tcpdump' : '';
if (realReason) console.log(`skipping the real dumpcap tests: ${realReason}`);

describe('the real dumpcap (as root)', () => {
  const helper = new HelperCapture(dumpcap);

  it.skipIf(!!realReason)('lists every interface the OS has, loopback first', async () => {
    const list = await helper.listInterfaces();
    expect(list[0]).toMatchObject({ name: 'lo', loopback: true });
    expect(list[0].addresses).toContain('127.0.0.1');
    for (const name of Object.keys(networkInterfaces())) expect(list.map((i) => i.name)).toContain(name);
  });

  it.skipIf(!!realReason)('says when there is no such interface, and when the BPF filter is invalid (as cap does)', async () => {
    const e = await failure(helper.start({ interface: 'nosuch0', filter: '', snaplen: 65535 }, collector().events));
    expect(e.code).toBe('no_such_interface');
    expect(e.message).toMatch(/no interface named nosuch0; available: .*\blo\b/);
    for (const filter of ['tcp port', 'tcp and', 'host 999.1.1.1', 'bogus']) {
      const b = await failure(helper.start({ interface: 'lo', filter, snaplen: 65535 }, collector().events));
      expect(b.code, filter).toBe('bad_filter');
      expect(b.message).toContain(`invalid capture filter "${filter}"`);
    }
  });

  it.skipIf(!!realReason)('captures real loopback traffic: the same segments tcpdump sees, with the kernel\'s timestamps', async () => {
    const port = 24781;
    const filter = `tcp port ${port}`;
    const ref = join(work, 'witness.pcap');
    const w = await witness(ref, filter);
    const c = collector();
    const session = await helper.start({ interface: 'lo', filter, snaplen: 262144 }, c.events);
    await traffic(port, 5);
    // Stop at once: stop() must still deliver every frame captured before it (dumpcap's 250 ms blocks).
    const final = await session.stop();
    await w.stop();
    const mine = join(work, 'helper.pcap');
    writePcapFile(mine, c.frames);
    const want = tcpRows(ref);
    expect(want.length).toBeGreaterThanOrEqual(5 * 8);
    // The kernel's timestamps, as tcpdump's (frames stamped on arrival would be up to 250 ms late).
    expectSameSegments(tcpRows(mine), want, 2);
    expect(c.frames.map(epoch)).toEqual([...c.frames.map(epoch)].sort());
    expect(final.captured).toBe(want.length);
    expect(c.stats[c.stats.length - 1]).toEqual(final);
    expect(c.errors).toEqual([]);
  });
});

// ---------------------------------------------------------------- unprivileged node, privileged dumpcap

const USER = 'hlab-test';
const cli = join(__dirname, '..', '..', 'out', 'main', 'cli.js');
const chunks = join(__dirname, '..', '..', 'out', 'main', 'chunks');
const built = existsSync(cli) && [cli, ...(existsSync(chunks) ? readdirSync(chunks).map((f) => join(chunks, f)) : [])].some((f) => readFileSync(f, 'utf8').includes('HANDSHAKE_LAB_DUMPCAP'));
const setcap = has('setcap', ['-v', '/dev/null']) || existsSync('/sbin/setcap') || existsSync('/usr/sbin/setcap');

/** Makes the unprivileged user if it is missing; returns why not, or ''. */
function ensureUser(): string {
  if (spawnSync('id', ['-u', USER], { stdio: 'ignore' }).status === 0) return '';
  const r = spawnSync('useradd', ['-M', '-r', '-s', '/usr/sbin/nologin', USER], { encoding: 'utf8' });
  return r.status === 0 ? '' : `cannot create user ${USER}: ${r.stderr.trim()}`;
}

const unprivReason = realReason || (!built ? 'the CLI is not built with the helper (npm run build)' : !setcap ? 'no setcap (libcap2-bin)' : !has('setpriv') ? 'no setpriv' : ensureUser());
if (unprivReason) console.log(`skipping the unprivileged helper test: ${unprivReason}`);

function status(pid: number): Record<string, string> | null {
  try {
    return Object.fromEntries(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').filter(Boolean).map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).trim()];
    }));
  } catch {
    return null;
  }
}

/** What one run of `handshake-lab experiment` as the unprivileged user showed. */
interface Run { code: number | null; stdout: string; stderr: string; node: Record<string, string> | null; dumpcapCapEff: string[] }

/** Runs the built CLI's experiment as USER with `helper` as dumpcap, watching node and its dumpcap child in /proc. */
async function experimentAs(helper: string, data: string, port: number, out: string): Promise<Run> {
  // setpriv execs node directly as the user, with no capabilities (a uid change from root drops them).
  const child = spawn('setpriv', [`--reuid=${USER}`, `--regid=${USER}`, '--clear-groups', '--inh-caps=-all', process.execPath, cli, 'experiment', '--port', String(port), '--slow', '200', '--json', '--write', out], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: data, HANDSHAKE_LAB_DATA_DIR: data, HANDSHAKE_LAB_DUMPCAP: helper },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { code: null, stdout: '', stderr: '', node: null, dumpcapCapEff: [] };
  child.stdout!.on('data', (d: Buffer) => { run.stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { run.stderr += d.toString(); });
  let running = true;
  const done = new Promise<void>((r) => child.on('exit', (code) => { run.code = code; running = false; r(); }));
  while (running) {
    const n = status(child.pid!);
    if (n && n.Name === 'node') run.node = n;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      const st = status(Number(pid));
      if (st && st.PPid === String(child.pid) && st.Name === 'dumpcap' && !run.dumpcapCapEff.includes(st.CapEff)) run.dumpcapCapEff.push(st.CapEff);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await done;
  return run;
}

describe('an unprivileged user captures through a dumpcap that alone holds the capabilities', () => {
  it.skipIf(!!unprivReason)('experiment as that user: refused with a plain dumpcap; with setcap on dumpcap, node (CapEff 0) gets every frame', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-helper-caps-'));
    try {
      chmodSync(dir, 0o755);
      const helper = join(dir, 'dumpcap');
      copyFileSync(dumpcap!, helper);
      chmodSync(helper, 0o755);
      const data = join(dir, 'data');
      spawnSync('install', ['-d', '-o', USER, '-m', '700', data]);
      const uid = spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim();

      // Control: the same user, node and command with a dumpcap that has no capabilities is refused,
      // and told to give them to that dumpcap.
      const denied = await experimentAs(helper, data, 24783, join(data, 'denied.pcapng'));
      expect(denied.code, denied.stderr).toBe(2);
      expect(denied.stderr).toMatch(/no permission to capture on lo/);
      expect(denied.stderr).toContain(`sudo setcap cap_net_raw,cap_net_admin=eip ${helper}`);
      expect(denied.stderr).not.toContain(`setcap cap_net_raw,cap_net_admin=eip ${process.execPath}`);

      const sc = spawnSync('setcap', ['cap_net_raw,cap_net_admin=eip', helper], { encoding: 'utf8' });
      if (sc.status !== 0) {
        console.log(`skipping the rest: setcap failed on ${dir} (${sc.stderr.trim()})`);
        return;
      }
      expect(spawnSync('getcap', [helper], { encoding: 'utf8' }).stdout).toMatch(/cap_net_admin,cap_net_raw=eip/);
      const port = 24782;
      const ref = join(work, 'witness-unpriv.pcap');
      const w = await witness(ref, `tcp port ${port}`);
      const out = join(data, 'run.pcapng');
      const run = await experimentAs(helper, data, port, out);
      await w.stop();
      expect(run.code, run.stderr).toBe(0);
      expect(run.node, 'node was seen running').not.toBeNull();
      expect(run.node!.Uid.split('\t')[0]).toBe(uid);
      expect(run.node!.CapEff).toBe('0000000000000000');
      expect(run.node!.CapPrm).toBe('0000000000000000');
      // dumpcap ran as node's child (it holds CAP_NET_RAW+CAP_NET_ADMIN from its file only until the
      // device is open, then drops them, so a sample may show either).
      expect(run.dumpcapCapEff.length, 'dumpcap was seen running as node\'s child').toBeGreaterThan(0);
      console.log(`unprivileged helper capture: node CapEff ${run.node!.CapEff}, dumpcap CapEff seen ${run.dumpcapCapEff.join(', ')}`);
      // The frames: the same segments tcpdump (as root) saw, and as many as the CLI reports.
      const result = JSON.parse(run.stdout) as { frames: number };
      const want = tcpRows(ref);
      expect(want.length).toBeGreaterThanOrEqual(7);
      expectSameSegments(tcpRows(out), want, 2);
      expect(result.frames).toBe(want.length);
      console.log(`unprivileged helper capture: ${result.frames} frames, tcpdump saw ${want.length}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
