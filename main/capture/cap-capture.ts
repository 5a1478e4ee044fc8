// LiveCapture in this process over the `cap` native addon (serve, CLI, tests). `cap` is optional:
// without it (or without libpcap) the app still opens files and explains how to enable capture.
// Used only where this process may already capture (choose-capture.ts); otherwise Wireshark's dumpcap
// captures as a separate helper process (helper-capture.ts), the only one holding capture privileges.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { networkInterfaces } from 'node:os';
import type { NetworkInterface } from '../api/types';
import { ApiError } from '../api/contract';
import type { RawFrame } from '../engine/types';
import type { LiveCapture, LiveCaptureEvents, LiveCaptureOptions, LiveCaptureSession, LiveCaptureStats } from './live-capture';
import { permissionHelp } from './permission-help';

interface CapDevice { name: string; description?: string; addresses: { addr?: string }[]; flags?: string }
interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
  removeAllListeners(): void;
}
interface CapModule { Cap: { new(): CapHandle; deviceList(): CapDevice[] } }

let loaded: { cap: CapModule; path: string } | { error: string } | null = null;

/**
 * Handles whose open() failed. cap's destructor would then stop a libuv poll handle that was never
 * started, which aborts the process when the garbage collector gets to it: keep them referenced.
 */
const failedHandles: CapHandle[] = [];
/**
 * Stopped handles and their buffers. cap's close() stops its poll handle without closing it, so a
 * collected Cap object can leave libuv pointing at freed memory; and cap keeps only a raw pointer to
 * the buffer given to open(). Keeping both (64 KiB a capture) is cheaper than a crash.
 */
const retired: Array<{ handle: CapHandle; buffer: Buffer }> = [];

function loadCap(): { cap: CapModule; path: string } | { error: string } {
  if (loaded) return loaded;
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve('cap');
    loaded = { cap: require(path) as CapModule, path };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    loaded = { error: `the packet capture module (cap, with libpcap) could not be loaded: ${msg}. Install libpcap and rebuild the optional dependency (npm rebuild cap) to enable live capture.` };
  }
  return loaded;
}

/** Whether the cap module (and libpcap) loads here. */
export function capLoadable(): boolean {
  return !('error' in loadCap());
}

/** LINKTYPE_* numbers for the names cap returns. */
function linktypeOf(name: string): number {
  switch (name) {
    case 'ETHERNET': return 1;
    case 'NULL': return 0;
    case 'LINKTYPE_LINUX_SLL': return 113;
    case 'RAW': return 101;
    case 'IEEE802_11_RADIO': return 127;
  }
  const m = /Unknown linktype (\d+)/.exec(name);
  return m ? Number(m[1]) : 1;
}

/** Maps a libpcap error text to the API's error codes (the filter is checked separately). */
export function classify(message: string, device: string): ApiError {
  const help = permissionHelp();
  if (/permission|not permitted|EPERM|EACCES|access denied/i.test(message)) {
    return new ApiError('permission_denied', `no permission to capture on ${device} (${message}). ${help.steps[0]} ${help.commands.length ? `For example: ${help.commands[0]}` : ''}`.trim());
  }
  if (/no such device|doesn't exist|does not exist|not found|No such/i.test(message)) {
    return new ApiError('no_such_interface', `there is no interface named ${device} (${message})`);
  }
  return new ApiError('capture_unavailable', `cannot capture on ${device}: ${message}`);
}

const friendly = (d: CapDevice, loopback: boolean): string => d.description || (loopback ? 'Loopback' : d.name);

/** Virtual interfaces where classroom captures make no sense, listed last. */
const PSEUDO = /^(any|bluetooth|nflog|nfqueue|dbus|usbmon|ifb|dummy)/;

export class CapCapture implements LiveCapture {
  async availability(): Promise<{ available: boolean; reason?: string }> {
    const c = loadCap();
    if ('error' in c) return { available: false, reason: c.error };
    try {
      c.cap.Cap.deviceList();
      return { available: true };
    } catch (e) {
      return { available: false, reason: `libpcap cannot list interfaces: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  async listInterfaces(): Promise<NetworkInterface[]> {
    const c = loadCap();
    if ('error' in c) throw new ApiError('capture_unavailable', c.error);
    const os = networkInterfaces();
    const list = c.cap.Cap.deviceList().map((d) => {
      const loopback = d.flags === 'PCAP_IF_LOOPBACK' || d.name === 'lo' || d.name === 'lo0' || /loopback/i.test(d.description ?? '');
      const addrs = d.addresses.map((a) => a.addr).filter((a): a is string => !!a);
      // libpcap may list no addresses for an interface the OS knows addresses of.
      if (!addrs.length) for (const a of os[d.name] ?? []) addrs.push(a.address);
      return { name: d.name, description: friendly(d, loopback), addresses: addrs, loopback };
    });
    const rank = (i: NetworkInterface) => (i.loopback ? 0 : PSEUDO.test(i.name) ? 2 : 1);
    return list.sort((a, b) => rank(a) - rank(b));
  }

  async start(options: LiveCaptureOptions, events: LiveCaptureEvents): Promise<LiveCaptureSession> {
    const c = loadCap();
    if ('error' in c) throw new ApiError('capture_unavailable', c.error);
    const devices = c.cap.Cap.deviceList();
    if (!devices.some((d) => d.name === options.interface)) {
      throw new ApiError('no_such_interface', `there is no interface named ${options.interface}; available: ${devices.map((d) => d.name).join(', ')}`);
    }
    // A failed open leaves a handle that must never be collected (see failedHandles), so problems are
    // first looked for in a short-lived child process: permission, then the filter.
    const probe = await probeOpen(c.path, options.interface, options.filter);
    if (!probe.ok) {
      if (probe.withoutFilter === null) throw new ApiError('bad_filter', `invalid capture filter "${options.filter}": ${probe.message}`);
      if (probe.withoutFilter !== 'ok') throw classify(probe.withoutFilter, options.interface);
    }
    const buffer = Buffer.alloc(65535);
    const handle = new c.cap.Cap();
    let linkName: string;
    try {
      linkName = handle.open(options.interface, options.filter, 8 * 1024 * 1024, buffer);
    } catch (e) {
      failedHandles.push(handle);
      throw classify(e instanceof Error ? e.message : String(e), options.interface);
    }
    return new CapSession(handle, buffer, linktypeOf(linkName), options.snaplen, events);
  }
}

/**
 * Opens the device (with and without the filter) in a child process, which exits right after. Never a
 * synchronous spawn: the server keeps answering while the probe runs.
 * ok: both fine. Otherwise `message` is the error with the filter, and `withoutFilter` is 'ok' when the
 * device opened without it (so the filter is at fault: reported as null) or the error without it.
 */
async function probeOpen(capPath: string, device: string, filter: string): Promise<{ ok: true } | { ok: false; message: string; withoutFilter: string | null }> {
  const script = `
    const { Cap } = require(process.argv[1]);
    const tryOpen = (f) => { try { new Cap().open(process.argv[2], f, 65536, Buffer.alloc(64)); return 'ok'; } catch (e) { return String(e && e.message || e); } };
    const withFilter = tryOpen(process.argv[3]);
    const bare = withFilter === 'ok' || !process.argv[3] ? withFilter : tryOpen('');
    process.stdout.write(JSON.stringify({ withFilter, bare }));
    process.exit(0);`;
  const stdout = await new Promise<string>((resolve) => {
    execFile(process.execPath, ['-e', script, capPath, device, filter], {
      encoding: 'utf8', timeout: 10_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    }, (_err, out) => resolve(String(out ?? '')));
  });
  let out: { withFilter: string; bare: string };
  try {
    out = JSON.parse(stdout) as { withFilter: string; bare: string };
  } catch {
    // The probe itself could not run: let the real open decide.
    return { ok: true };
  }
  if (out.withFilter === 'ok') return { ok: true };
  if (filter && out.bare === 'ok') return { ok: false, message: out.withFilter, withoutFilter: null };
  return { ok: false, message: out.withFilter, withoutFilter: out.bare };
}

class CapSession implements LiveCaptureSession {
  private batch: RawFrame[] = [];
  private flushing = false;
  private stopped = false;
  private readonly counts: LiveCaptureStats = { captured: 0, droppedByKernel: 0, droppedByInterface: 0 };
  private readonly statsTimer: NodeJS.Timeout;
  // cap gives no timestamps: take them on arrival, from a monotonic clock anchored to the epoch.
  private readonly epochNs = BigInt(Date.now()) * 1_000_000n;
  private readonly hr0 = process.hrtime.bigint();

  constructor(private readonly handle: CapHandle, private readonly buffer: Buffer, readonly linktype: number, snaplen: number, private readonly events: LiveCaptureEvents) {
    handle.on('packet', (nbytes) => {
      if (this.stopped) return;
      const ns = this.epochNs + (process.hrtime.bigint() - this.hr0);
      const caplen = Math.min(nbytes, snaplen);
      this.batch.push({
        data: new Uint8Array(buffer.subarray(0, caplen)),
        // cap reports only the bytes it copied; the wire length is at least that.
        len: nbytes,
        linktype,
        interface: 0,
        tsSec: Number(ns / 1_000_000_000n),
        tsNsec: Number(ns % 1_000_000_000n),
      });
      this.counts.captured++;
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => this.flush());
      }
    });
    this.statsTimer = setInterval(() => events.stats({ ...this.counts }), 1000);
    this.statsTimer.unref();
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

  async stop(): Promise<LiveCaptureStats> {
    if (!this.stopped) {
      this.stopped = true;
      clearInterval(this.statsTimer);
      try { this.handle.close(); } catch { /* already closed */ }
      this.handle.removeAllListeners();
      retired.push({ handle: this.handle, buffer: this.buffer });
      this.flush();
      this.events.stats({ ...this.counts });
    }
    return { ...this.counts };
  }
}
