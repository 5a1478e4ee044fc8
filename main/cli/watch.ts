// handshake-lab watch [IFACE]: local TCP connections and both endpoints' states as the engine infers
// them from a live capture. On a terminal: a table redrawn ~4 times a second (q or Ctrl-C quits and
// restores the terminal). Piped: one line per state change.
import { ApiError, type ApiEvent, type ApiEvents } from '../api/contract';
import type { ConnectionSummary, ProgramRef } from '../api/types';
import { chooseCapture } from '../capture/choose-capture';
import type { LiveCapture } from '../capture/live-capture';
import { Service } from '../backend/service';
import { transitionLines } from '../capture/experiment/trace';
import { parseArgs } from './args';
import { UsageError, type Command } from './command';
import { tolerateClosedOutput } from './output';
import { kernelSockets, type KernelSocket } from '../capture/sockets';

const help = `usage: handshake-lab watch [IFACE] [--filter BPF]
       handshake-lab watch --once [--json]

Watches TCP connections live on IFACE (default: the loopback interface) and
shows both endpoints' RFC 9293 states as Handshake Lab infers them from the
segments, and the program behind each end where it runs on this machine. On a
terminal, a table redrawn about 4 times a second; press q or Ctrl-C to quit.
When the output is not a terminal, one line per state change. Every captured
frame is saved (the first line says where).

  --filter BPF   capture filter (default "tcp"), e.g. "tcp port 12345"
  --once         no capture: the kernel's TCP sockets right now (LISTEN too),
                 each with its state and the program holding it (pid and name;
                 "unknown" when the OS will not tell, e.g. another user's)
  --json         with --once: {"connections": [{"local", "remote", "state",
                 "pid", "program"}]}`;

export interface WatchOptions {
  iface?: string;
  filter?: string;
  write: (s: string) => void;
  tty: boolean;
  columns?: () => number;
  rows?: () => number;
  signal: AbortSignal;
  capture?: LiveCapture;
  dataDir?: string;
}

/** "curl 4242", "unknown" when the OS would not tell, "-" while nothing holds that end here. */
const programText = (p: ProgramRef | null): string => (!p ? '-' : p.pid === null ? p.program : `${p.program} ${p.pid}`);

const pad = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s + ' '.repeat(n - s.length));

function table(conns: ConnectionSummary[], width: number, height: number, header: string): string {
  const lines = [header, ''];
  const cols: [string, number][] = [['Stream', 6], ['Client', 24], ['Server', 24], ['Client state', 13], ['Server state', 13], ['Frames', 7], ['Bytes', 9], ['Programs (client → server)', 40]];
  lines.push(cols.map(([h, w]) => pad(h, w)).join(' '));
  const room = Math.max(1, height - 5);
  const shown = [...conns].sort((a, b) => b.lastFrame - a.lastFrame).slice(0, room);
  for (const c of shown) {
    const programs = c.programs ? `${programText(c.programs.client)} → ${programText(c.programs.server)}` : '';
    lines.push([String(c.stream), c.client, c.server, c.states.client, c.states.server, String(c.frames), String(c.bytes), programs].map((v, i) => pad(v, cols[i][1])).join(' '));
  }
  if (conns.length > shown.length) lines.push(`… and ${conns.length - shown.length} more`);
  if (!conns.length) lines.push('(no TCP connections yet)');
  return lines.map((l) => l.slice(0, width)).join('\x1b[K\r\n') + '\x1b[K\x1b[J';
}

/** Runs the watch until `signal` aborts; resolves to the exit code. */
export async function watch(o: WatchOptions): Promise<number> {
  const capture = o.capture ?? chooseCapture();
  const avail = await capture.availability();
  if (!avail.available) throw new UsageError(`watch: live capture is unavailable: ${avail.reason}`);
  let iface = o.iface;
  if (!iface) {
    const lo = (await capture.listInterfaces()).find((i) => i.loopback);
    if (!lo) throw new UsageError('watch: no loopback interface; name one (see --help)');
    iface = lo.name;
  }
  const filter = o.filter ?? 'tcp';
  const service = new Service({ transport: 'ipc', capture, log: () => undefined, ...(o.dataDir ? { dataDir: o.dataDir } : {}) });
  const lines: string[] = [];
  const store = () => service.storeOf('watch') ?? service.frames;
  const client = {
    id: 'watch',
    emit<E extends ApiEvent>(event: E, payload: ApiEvents[E]) {
      if (o.tty) return;
      const st = store();
      const side = (addr: string, p: ProgramRef | null | undefined) => (p ? `${addr} (${programText(p)})` : addr);
      const who = (stream: number) => { const c = st.connection(stream); return c ? `${side(c.client, c.programs?.client)} ⇄ ${side(c.server, c.programs?.server)}` : ''; };
      if (event === 'transitions') {
        for (const t of payload as ApiEvents['transitions']) {
          const time = st.timeOf(t.frame).toFixed(6);
          for (const l of transitionLines(t.transitions)) lines.push(`${time}  stream ${t.stream}  ${who(t.stream)}  ${l}\n`);
        }
      } else if (event === 'statesRevised') {
        // A later segment showed when its sender had really received earlier ones: the lines from there on, again.
        for (const r of payload as ApiEvents['statesRevised']) {
          lines.push(`${st.timeOf(r.fromFrame).toFixed(6)}  stream ${r.stream}  ${who(r.stream)}  corrected from frame ${r.fromFrame} on:\n`);
          for (const n of st.streamFrames(r.stream)) {
            if (n < r.fromFrame) continue;
            for (const l of transitionLines(st.record(n).transitions)) lines.push(`${st.timeOf(n).toFixed(6)}  stream ${r.stream}  ${who(r.stream)}  ${l} (frame ${n})\n`);
          }
        }
      }
    },
  };
  let autosave: string | undefined;
  try {
    autosave = (await service.handle('startCapture', { interface: iface, filter }, client)).file;
  } catch (e) {
    await service.dispose();
    if (e instanceof ApiError) throw new UsageError(`watch: ${e.message}`);
    throw e;
  }
  const header = () => {
    const st = store();
    return `Handshake Lab — watching ${iface} (filter "${filter}"): ${st.total} frames, ${st.streams} connections, saved to ${autosave}. q quits.`;
  };
  if (o.tty) o.write('\x1b[?1049h\x1b[?25l');
  else o.write(`# watching ${iface} (filter "${filter}"), every frame saved to ${autosave}; one line per state change\n`);
  const draw = () => {
    if (o.tty) o.write('\x1b[H' + table(store().connections(), o.columns?.() ?? 100, o.rows?.() ?? 24, header()));
    else if (lines.length) o.write(lines.splice(0).join(''));
  };
  const timer = setInterval(draw, 250);
  draw();
  await new Promise<void>((r) => (o.signal.aborted ? r() : o.signal.addEventListener('abort', () => r(), { once: true })));
  clearInterval(timer);
  await service.handle('stopCapture', {}, client);
  draw();
  service.detach('watch');
  await service.dispose();
  // The table's screen is gone once the terminal is restored: say again where the capture is.
  if (o.tty) o.write(`\x1b[?25h\x1b[?1049lHandshake Lab: ${store().total} frames captured on ${iface}, saved to ${autosave}\n`);
  return 0;
}

export const watchCommand: Command = {
  help,
  async run(args) {
    const { flags, positionals } = parseArgs('watch', args, { values: { filter: 'string' }, booleans: ['once', 'json'], positionals: [0, 1] });
    if (flags.json && !flags.once) throw new UsageError('watch: --json goes with --once (a snapshot); the live view has no JSON form');
    if (flags.once) {
      if (positionals.length || flags.filter !== undefined) throw new UsageError('watch: --once lists the kernel\'s sockets and captures nothing: it takes no IFACE or --filter');
      return socketSnapshot(flags.json === true);
    }
    const tty = process.stdout.isTTY === true;
    const ac = new AbortController();
    const stdin = process.stdin;
    const restore = () => {
      if (tty) process.stdout.write('\x1b[?25h\x1b[?1049l');
      if (stdin.isTTY) stdin.setRawMode(false);
    };
    const quit = () => ac.abort();
    // `watch | head`: once the reader is gone, stop as on Ctrl-C.
    const untolerate = tolerateClosedOutput((stream) => { if (stream === 'stdout') quit(); });
    process.on('SIGINT', quit);
    process.on('SIGTERM', quit);
    process.on('exit', restore);
    if (tty && stdin.isTTY) {
      stdin.setRawMode(true);
      stdin.resume();
      stdin.on('data', (d: Buffer) => {
        const k = d.toString();
        if (k === 'q' || k === 'Q' || k === '\x03' || k === '\x1b') quit();
      });
    }
    try {
      return await watch({
        iface: positionals[0], filter: flags.filter as string | undefined, tty, signal: ac.signal,
        write: (s) => process.stdout.write(s), columns: () => process.stdout.columns ?? 100, rows: () => process.stdout.rows ?? 24,
      });
    } finally {
      untolerate();
      process.off('SIGINT', quit);
      process.off('SIGTERM', quit);
      if (stdin.isTTY) { stdin.setRawMode(false); stdin.pause(); }
    }
  },
};

/** watch --once: the kernel's TCP sockets and their programs, as a table or as JSON. */
async function socketSnapshot(json: boolean): Promise<number> {
  let sockets: KernelSocket[];
  try {
    sockets = await kernelSockets();
  } catch (e) {
    throw new UsageError(`watch: cannot list this machine's sockets: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (json) {
    process.stdout.write(JSON.stringify({ connections: sockets.map(({ local, remote, state, pid, program }) => ({ local, remote, state, pid, program })) }) + '\n');
    return 0;
  }
  const width = (f: (s: KernelSocket) => string, head: string) => Math.max(head.length, ...sockets.map((s) => f(s).length));
  const cols: [string, (s: KernelSocket) => string][] = [['State', (s) => s.state], ['Local', (s) => s.local], ['Remote', (s) => s.remote], ['PID', (s) => (s.pid === null ? '-' : String(s.pid))], ['Program', (s) => s.program]];
  const widths = cols.map(([h, f]) => width(f, h));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ') + '\n';
  let text = line(cols.map(([h]) => h));
  for (const s of sockets) text += line(cols.map(([, f]) => f(s)));
  if (!sockets.length) text += '(no TCP sockets)\n';
  process.stdout.write(text);
  return 0;
}
