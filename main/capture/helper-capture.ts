// LiveCapture through Wireshark's dumpcap, run as a separate helper process: only dumpcap holds capture
// privileges (file capabilities, the `wireshark` group, BPF or Npcap access), never the GUI, the
// Electron utility process or `node`. dumpcap writes pcapng to its stdout, which the engine's streaming
// reader turns into frames as they come; its stderr carries errors and, at exit, the drop counters.
//
// What dumpcap 4.0 gives and what it does not:
// - frames with the kernel's timestamps and the interface's link type (from the pcapng IDB, written as
//   soon as the interface is open, before any packet: start() resolves then);
// - errors as English text on stderr with exit code 1 (2 for some listing errors); the texts recorded in
//   test/capture/dumpcap-recorded are mapped to the API's error codes below;
// - drop counters only once, at exit ("Packets received/dropped on interface …"). While running, the
//   periodic stats carry the frames delivered so far and the drops stay 0 until the end. (dumpcap's
//   undocumented child mode, -Z, reports packet counts while running but also drops only at the end.)
import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { ApiError } from '../api/contract';
import type { ApiErrorInfo, NetworkInterface } from '../api/types';
import { CaptureReader } from '../engine/io/reader';
import type { RawFrame } from '../engine/types';
import { canExecute, findDumpcap } from './dumpcap-path';
import { dumpcapLaunch } from './dumpcap-launch';
import type { LiveCapture, LiveCaptureEvents, LiveCaptureOptions, LiveCaptureSession, LiveCaptureStats } from './live-capture';
import { permissionHelp } from './permission-help';
import { SH_NOT_EXECUTABLE, SH_NOT_FOUND, spawnWatched, type WatchedProcess } from './watchdog';

/** Kernel buffer for the capture, MiB (cap-capture uses 8 MiB too; dumpcap's default is 2). */
const BUFFER_MIB = 8;
/**
 * libpcap hands dumpcap packets in blocks that the kernel closes every 250 ms (dumpcap's read timeout;
 * dumpcap 4.0 has no immediate mode), and a stopped dumpcap drops the packets of the open block. So
 * stop() first waits this long, and until dumpcap has been quiet for DRAIN_QUIET_MS (at most DRAIN_MAX_MS),
 * so that every packet captured before stop() was called is delivered.
 */
const DRAIN_MS = 400;
const DRAIN_QUIET_MS = 100;
const DRAIN_MAX_MS = 2000;
/** How long stop() lets dumpcap write its last frames and counters before killing it. */
const STOP_GRACE_MS = 3000;
/** stderr kept for error messages (dumpcap's longest text, the permission help, is ~1 KiB). */
const STDERR_MAX = 64 * 1024;

/** Arguments for capturing `options` as pcapng on stdout. */
export function dumpcapArgs(options: LiveCaptureOptions): string[] {
  return [
    '-i', options.interface,
    ...(options.filter ? ['-f', options.filter] : []),
    '-s', String(options.snaplen),
    '-B', String(BUFFER_MIB),
    '-n', // pcapng (the default of dumpcap ≥ 1.8; said explicitly)
    '-w', '-',
    '-q',
  ];
}

/** Virtual interfaces where classroom captures make no sense, listed last (as cap-capture does). */
const PSEUDO = /^(any|bluetooth|nflog|nfqueue|dbus|usbmon|ifb|dummy|randpkt|ciscodump|sshdump|udpdump|wifidump|sdjournal|etwdump)/;

/**
 * Parses `dumpcap -D -M`: one line per interface, "N. name\tfriendly name\tdescription\ttype\t
 * addresses (comma-separated)\tloopback|network\textcap". Loopback first, pseudo-interfaces last.
 */
export function parseInterfaceList(text: string, osAddresses: Record<string, string[]> = {}): NetworkInterface[] {
  const list: NetworkInterface[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\d+\.\s(.*)$/.exec(line);
    if (!m) continue;
    const [name, friendly = '', vendor = '', , addrs = '', kind = ''] = m[1].split('\t');
    if (!name) continue;
    const loopback = kind === 'loopback' || name === 'lo' || name === 'lo0';
    const addresses = addrs.split(',').map((a) => a.trim()).filter(Boolean);
    // dumpcap may list no addresses for an interface the OS knows addresses of.
    if (!addresses.length) addresses.push(...(osAddresses[name] ?? []));
    list.push({ name, description: friendly || vendor || (loopback ? 'Loopback' : name), addresses, loopback });
  }
  const rank = (i: NetworkInterface) => (i.loopback ? 0 : PSEUDO.test(i.name) ? 2 : 1);
  return list.sort((a, b) => rank(a) - rank(b));
}

/** The final counters dumpcap prints at exit, or null if it printed none (killed, or failed to start). */
export function parseDumpcapStats(stderr: string): { captured: number | null; received: number; droppedByKernel: number; droppedByInterface: number } | null {
  const captured = /Packets captured: (\d+)/.exec(stderr);
  // 4.0: "Packets received/dropped on interface 'lo': 2/0 (pcap:0/dumpcap:0/flushed:0/ps_ifdrop:0) (100.0%)"
  const full = /received\/dropped on interface '[^']*': (\d+)\/(\d+) \(pcap:(\d+)\/dumpcap:(\d+)\/flushed:(\d+)\/ps_ifdrop:(\d+)\)/.exec(stderr);
  if (full) {
    const [, rcv, , pcap, own, flushed, ifdrop] = full.map(Number);
    return {
      captured: captured ? Number(captured[1]) : null,
      received: rcv,
      // libpcap's ps_drop, plus what dumpcap itself dropped or flushed: all lost before reaching us.
      droppedByKernel: pcap + own + flushed,
      droppedByInterface: ifdrop,
    };
  }
  // Older or newer layouts: keep the total.
  const short = /received\/dropped on interface[^:]*: (\d+)\/(\d+)/.exec(stderr);
  if (short) return { captured: captured ? Number(captured[1]) : null, received: Number(short[1]), droppedByKernel: Number(short[2]), droppedByInterface: 0 };
  return null;
}

/** dumpcap's error, without its progress lines and its generic advice (the API's help replaces it). */
export function dumpcapProblem(stderr: string): string {
  const lines = stderr.replace(/\r/g, '\n').split('\n').map((l) => l.trim());
  const noise = /^(Capturing on |File: |Running as user |Packets captured: |Packets received\/dropped |$)/;
  const start = lines.findIndex((l) => !noise.test(l));
  if (start < 0) return '';
  const out: string[] = [];
  for (const l of lines.slice(start)) {
    // The advice after the first blank line (Debian, setcap, the User's Guide) is replaced by ours.
    if (!l) {
      if (out.length) break;
      continue;
    }
    if (/^Please check to make sure/.test(l)) break;
    out.push(l.replace(/^dumpcap: /, ''));
  }
  return out.join(' ');
}

/** The permission part of an error message: what to do, with the first command. */
function permissionAdvice(): string {
  const help = permissionHelp();
  return `${help.steps[0]}${help.commands.length ? ` For example: ${help.commands[0]}` : ''}`;
}

/**
 * Maps what dumpcap printed (and its exit) to the API's errors. `filter` is the capture filter it was
 * given, `spawnError` the errno code when it could not even be started.
 */
export function classifyDumpcap(stderr: string, device: string, filter: string, dumpcap: string, spawnError?: string): ApiError {
  if (spawnError === 'ENOENT') {
    return new ApiError('capture_unavailable', `the capture helper ${dumpcap} was not found. ${permissionAdvice()}`);
  }
  if (spawnError === 'EACCES' || spawnError === 'EPERM') {
    return new ApiError('permission_denied', `no permission to run the capture helper ${dumpcap} (${spawnError}). ${permissionAdvice()}`);
  }
  if (spawnError) return new ApiError('capture_unavailable', `the capture helper ${dumpcap} could not be started (${spawnError})`);
  const problem = dumpcapProblem(stderr) || 'dumpcap stopped without saying why';
  const text = stderr.replace(/\s+/g, ' ');
  if (/Invalid capture filter/i.test(text)) {
    // "That string isn't a valid capture filter (can't parse filter expression: syntax error)."
    const why = /valid capture filter \((.*?)\)\.?\s/.exec(text + ' ');
    return new ApiError('bad_filter', `invalid capture filter "${filter}": ${why ? why[1] : problem}`);
  }
  if (/do not have permission|Operation not permitted|Permission denied|EPERM|EACCES|sufficient permissions/i.test(text)) {
    return new ApiError('permission_denied', `no permission to capture on ${device} (dumpcap: ${problem}). ${permissionAdvice()}`.trim());
  }
  if (/no device named|No such device|doesn't exist|does not exist|is not a known interface|no interface/i.test(text)) {
    return new ApiError('no_such_interface', `there is no interface named ${device} (dumpcap: ${problem})`);
  }
  return new ApiError('capture_unavailable', `cannot capture on ${device}: dumpcap: ${problem}`);
}

/** Whether this user can start dumpcap: itself, or through its group (dumpcap-launch.ts). */
function runnable(dumpcap: string): boolean {
  return canExecute(dumpcap) || dumpcapLaunch(dumpcap, []).via === 'group';
}

function run(path: string, args: string[]): Promise<{ stdout: string; stderr: string; error?: NodeJS.ErrnoException; code: number | null }> {
  const launch = dumpcapLaunch(path, args);
  return new Promise((resolve) => {
    execFile(launch.command, launch.args, { timeout: 15_000, maxBuffer: 4 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      const err = error as (NodeJS.ErrnoException & { code?: string | number }) | null;
      resolve({
        stdout: String(stdout),
        stderr: String(stderr),
        ...(err && typeof err.code === 'string' ? { error: err } : {}),
        code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
      });
    });
  });
}

function osAddresses(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, addrs] of Object.entries(networkInterfaces())) out[name] = (addrs ?? []).map((a) => a.address);
  return out;
}

export class HelperCapture implements LiveCapture {
  /** `dumpcap`: the helper's path (default: found on PATH or HANDSHAKE_LAB_DUMPCAP; null if there is none). */
  constructor(readonly dumpcap: string | null = findDumpcap()) {}

  private probed: { at: number; result: { available: boolean; reason?: string } } | null = null;

  async availability(): Promise<{ available: boolean; reason?: string }> {
    if (!this.dumpcap) return { available: false, reason: `the capture helper, Wireshark's dumpcap, is not installed. ${permissionAdvice()}` };
    // Asked often (app info, each start): a yes of the last second stands (a no is asked again: rights
    // may just have been given).
    if (this.probed && Date.now() - this.probed.at < 1000) return this.probed.result;
    const result = await this.probe(this.dumpcap);
    this.probed = result.available ? { at: Date.now(), result } : null;
    return result;
  }

  /**
   * Whether dumpcap may open the loopback device (Linux and macOS: `dumpcap -L -i lo`, which needs the
   * capture rights and captures nothing). Refused rights make capture unavailable, saying what to do, so the
   * app can offer "Allow capture" before a first failed start. Anything else is left for start() to report.
   */
  private async probe(dumpcap: string): Promise<{ available: boolean; reason?: string }> {
    if (process.platform !== 'linux' && process.platform !== 'darwin') return { available: true };
    if (!runnable(dumpcap)) return { available: false, reason: classifyDumpcap('', 'lo', '', dumpcap, 'EACCES').message };
    const lo = process.platform === 'darwin' ? 'lo0' : 'lo';
    const r = await run(dumpcap, ['-L', '-i', lo]);
    if (r.code === 0) return { available: true };
    const e = classifyDumpcap(r.stderr, lo, '', dumpcap, r.error?.code);
    return e.code === 'permission_denied' ? { available: false, reason: e.message } : { available: true };
  }

  async listInterfaces(): Promise<NetworkInterface[]> {
    if (!this.dumpcap) throw new ApiError('capture_unavailable', (await this.availability()).reason ?? 'no capture helper');
    const os = osAddresses();
    if (runnable(this.dumpcap)) {
      const r = await run(this.dumpcap, ['-D', '-M']);
      const list = parseInterfaceList(r.stdout, os);
      if (list.length) return list;
    }
    // dumpcap cannot be run by this user (or listed nothing): the OS's own list, so the picker still shows
    // something, and starting a capture explains the permission problem.
    return parseInterfaceList(Object.entries(os).map(([name, a], i) => `${i + 1}. ${name}\t\t\t0\t${a.join(',')}\t${name === 'lo' || name === 'lo0' ? 'loopback' : 'network'}\t`).join('\n'));
  }

  async start(options: LiveCaptureOptions, events: LiveCaptureEvents): Promise<LiveCaptureSession> {
    const dumpcap = this.dumpcap;
    if (!dumpcap) throw new ApiError('capture_unavailable', (await this.availability()).reason ?? 'no capture helper');
    if (runnable(dumpcap)) {
      const r = await run(dumpcap, ['-D', '-M']);
      const names = parseInterfaceList(r.stdout).map((i) => i.name);
      if (names.length && !names.includes(options.interface)) {
        throw new ApiError('no_such_interface', `there is no interface named ${options.interface}; available: ${names.join(', ')}`);
      }
    }
    return HelperSession.open(dumpcap, options, events);
  }
}

type DumpcapProcess = WatchedProcess;

class HelperSession implements LiveCaptureSession {
  linktype = 1;
  private readonly reader = new CaptureReader();
  private batch: RawFrame[] = [];
  private flushing = false;
  private stopped = false;
  private finished = false;
  private stderr = '';
  private readonly counts: LiveCaptureStats = { captured: 0, droppedByKernel: 0, droppedByInterface: 0 };
  private statsTimer: NodeJS.Timeout | null = null;
  private readonly closed: Promise<void>;
  private killTimer: NodeJS.Timeout | null = null;
  /** start() has resolved (before that, problems reject it instead of going to events.error). */
  private running = false;
  /** A problem found before start() resolved. */
  private startError: ApiErrorInfo | null = null;
  private lastDataAt = 0;
  private exited = false;

  private constructor(private readonly child: DumpcapProcess, private readonly dumpcap: string, private readonly options: LiveCaptureOptions, private readonly events: LiveCaptureEvents) {
    this.closed = new Promise((resolve) => child.once('close', () => {
      this.exited = true;
      // The watchdog's pipe: closing it would stop a dumpcap still running (none is, now).
      child.stdin?.destroy();
      resolve();
    }));
  }

  /**
   * Starts dumpcap under the watchdog (watchdog.ts: it dies with this process, even after SIGKILL);
   * resolves once it has opened the interface (its pcapng interface block arrived).
   */
  static open(dumpcap: string, options: LiveCaptureOptions, events: LiveCaptureEvents): Promise<HelperSession> {
    return new Promise((resolve, reject) => {
      let child: DumpcapProcess;
      try {
        // Through sg, dumpcap is sg's child (sg forks and does not pass signals on): the watchdog runs
        // them in a process group of its own and signals it as a whole.
        const launch = dumpcapLaunch(dumpcap, dumpcapArgs(options));
        child = spawnWatched(launch.command, launch.args);
      } catch (e) {
        reject(classifyDumpcap('', options.interface, options.filter, dumpcap, (e as NodeJS.ErrnoException).code ?? String(e)));
        return;
      }
      const s = new HelperSession(child, dumpcap, options, events);
      // 'starting' until the interface block arrives; 'failed' once start() has rejected.
      let phase: 'starting' | 'running' | 'failed' = 'starting';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (t: string) => {
        if (s.stderr.length < STDERR_MAX) s.stderr += t;
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (phase !== 'starting') return;
        phase = 'failed';
        reject(classifyDumpcap(s.stderr, options.interface, options.filter, dumpcap, e.code ?? e.message));
      });
      child.stdout.on('data', (chunk: Buffer) => {
        // A plain Uint8Array view: the reader copies what it keeps with slice(), which on a Buffer would not copy.
        const damaged = s.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if (phase === 'starting' && s.reader.interfaces.length) {
          phase = 'running';
          s.running = true;
          s.linktype = s.reader.interfaces[0].linktype;
          s.statsTimer = setInterval(() => events.stats({ ...s.counts }), 1000);
          s.statsTimer.unref();
          resolve(s);
          s.scheduleFlush();
        }
        // After the frames before the damage (a flush is already queued), or instead of starting.
        if (damaged) {
          if (s.running) setImmediate(() => s.fail(damaged));
          else s.fail(damaged);
        }
      });
      child.once('close', (code, signal) => {
        if (phase === 'failed') return;
        if (phase === 'starting') {
          phase = 'failed';
          if (s.startError) {
            reject(new ApiError(s.startError.code, s.startError.message));
            return;
          }
          // The watchdog's shell could not run dumpcap at all.
          if (code === SH_NOT_FOUND || code === SH_NOT_EXECUTABLE) {
            reject(classifyDumpcap('', options.interface, options.filter, dumpcap, code === SH_NOT_FOUND ? 'ENOENT' : 'EACCES'));
            return;
          }
          const err = classifyDumpcap(s.stderr, options.interface, options.filter, dumpcap);
          reject(s.stderr.trim() ? err : new ApiError('capture_unavailable', `the capture helper ${dumpcap} stopped (${signal ?? `exit code ${code}`}) before capturing`));
          return;
        }
        s.ended(code, signal);
      });
    });
  }

  /** Reads a chunk of dumpcap's output into the batch; returns the error if the stream is damaged. */
  private push(chunk: Uint8Array): ApiErrorInfo | null {
    this.lastDataAt = Date.now();
    if (this.finished) return null;
    let damaged: ApiErrorInfo | null = null;
    try {
      this.reader.push(chunk, (f) => {
        if (f.linktype < 0) return; // not a packet (never written by dumpcap)
        this.batch.push({ data: f.data.slice(), len: f.len, linktype: f.linktype, interface: 0, tsSec: f.tsSec, tsNsec: f.tsNsec });
        this.counts.captured++;
      });
    } catch (e) {
      damaged = { code: 'capture_unavailable', message: `the capture helper's output could not be read: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (this.running) this.scheduleFlush();
    return damaged;
  }

  private scheduleFlush(): void {
    if (this.flushing || !this.batch.length) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushing = false;
    if (!this.batch.length) return;
    const b = this.batch;
    this.batch = [];
    try {
      this.events.frames(b);
    } catch (e) {
      this.events.error({ code: 'internal', message: `live frames could not be handled: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  /** A fatal problem while running: report it once and stop dumpcap. */
  private fail(error: ApiErrorInfo): void {
    if (this.finished || this.stopped) return;
    this.finished = true;
    this.child.kill('SIGTERM');
    if (!this.running) {
      this.startError = error;
      return;
    }
    this.flush();
    this.events.error(error);
  }

  /** dumpcap exited (after a stop, or on its own: interface gone, killed). */
  private ended(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    if (this.killTimer) clearTimeout(this.killTimer);
    const final = parseDumpcapStats(this.stderr);
    if (final) {
      this.counts.droppedByKernel = final.droppedByKernel;
      this.counts.droppedByInterface = final.droppedByInterface;
    }
    this.flush();
    if (!this.stopped && !this.finished) {
      this.finished = true;
      const problem = dumpcapProblem(this.stderr);
      const err = problem
        ? classifyDumpcap(this.stderr, this.options.interface, this.options.filter, this.dumpcap)
        : new ApiError('capture_unavailable', `the capture helper ${this.dumpcap} stopped unexpectedly (${signal ?? `exit code ${code}`})`);
      this.events.error({ code: err.code, message: err.message });
    }
    this.finished = true;
    this.events.stats({ ...this.counts });
  }

  async stop(): Promise<LiveCaptureStats> {
    if (!this.stopped) {
      this.stopped = true;
      const t0 = Date.now();
      for (;;) {
        const now = Date.now();
        if (this.exited || now - t0 >= DRAIN_MAX_MS || (now - t0 >= DRAIN_MS && now - this.lastDataAt >= DRAIN_QUIET_MS)) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      if (!this.exited) {
        // dumpcap writes its last frames and its counters when asked to stop; kill it if it does not.
        this.child.kill('SIGTERM');
        this.killTimer = setTimeout(() => {
          this.child.kill('SIGKILL');
          // The watchdog is gone; its pipe closing tells the part of it that watches to stop dumpcap's group.
          this.child.stdin?.destroy();
        }, STOP_GRACE_MS);
        this.killTimer.unref();
      }
    }
    await this.closed;
    return { ...this.counts };
  }
}
