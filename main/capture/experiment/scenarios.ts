// The seed's lab and its variants as real sockets on loopback. The calls come from the shared script
// (main/api/experiment.ts), made one by one with Node's sockets in the order the Python programs make them,
// with an optional pause after each (slow motion) during which the states are stable (a test compares them
// with the kernel's `ss` then). Every call is reported as an event: before it is made when it sends a
// segment (so the capture can tie the segment to it), again when it returns.
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  EXPERIMENT_VARIANTS, experimentHost, experimentScript, planFor, pyBytes, type ExperimentPlan, type ScriptCall,
} from '../../api/experiment';
import type { ExperimentEvent, ExperimentPortNote, ExperimentVariant } from '../../api/types';

export { EXPERIMENT_VARIANTS };

export interface ScenarioStep {
  /** Short code of the stable point just reached: listen, connect, send, client_close, server_close, … */
  code: string;
  /** The call that reached it, as Python writes it. */
  text: string;
  /** The connection's ports once known: client (ephemeral) and server. */
  clientPort?: number;
  serverPort: number;
}

/** An event as the runner reports it: 'call' just before a call that sends a segment, 'return' once any call returned. */
export type EventPhase = 'call' | 'return';

export interface RunOptions {
  /** Called after each stable point (before the pause), e.g. to print it or to look at the kernel's view. */
  onStep?: (step: ScenarioStep) => void | Promise<void>;
  onEvent?: (event: ExperimentEvent, phase: EventPhase, call: ScriptCall) => void;
  /** Give up after this long (ms). */
  timeoutMs?: number;
}

export interface ScenarioOptions extends RunOptions {
  variant?: ExperimentVariant;
  /** The whole plan (the variant's otherwise); its pauseMs is overridden by slowMotionMs when given. */
  plan?: ExperimentPlan;
  port: number;
  /** Pause after each call, in ms (0: none). */
  slowMotionMs?: number;
}

export interface ScenarioOutcome {
  variant: ExperimentVariant;
  host: string;
  port: number;
  portNote?: ExperimentPortNote;
  clientPort: number | null;
  steps: ScenarioStep[];
  events: ExperimentEvent[];
  /** What the server received (classic: the client's message). */
  received: string;
}

/** BPF filter that keeps exactly the experiment's traffic. */
export function experimentFilter(port: number): string {
  return `tcp port ${port}`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Wall-clock seconds with sub-millisecond precision (Date.now() has only milliseconds). */
const now = (): number => (performance.timeOrigin + performance.now()) / 1000;

function listenOn(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ allowHalfOpen: true });
    server.once('error', reject);
    server.listen({ host, port, backlog: 1, exclusive: true }, () => { server.removeListener('error', reject); resolve(server); });
  });
}

const closeServer = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));
const inUse = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'EADDRINUSE';

/** What a read gives: bytes, the peer's FIN, or an error (a reset). */
type ReadItem = { data: Buffer } | { end: true } | { error: NodeJS.ErrnoException };

/** recv() over Node's push-style socket: reads are queued as they arrive and taken one at a time. */
class Reader {
  private items: ReadItem[] = [];
  private waiting: ((x: ReadItem) => void) | null = null;
  constructor(sock: Socket) {
    sock.on('data', (data: Buffer) => this.put({ data }));
    sock.on('end', () => this.put({ end: true }));
    sock.on('error', (error: NodeJS.ErrnoException) => this.put({ error }));
  }
  private put(x: ReadItem): void {
    if (this.waiting) { const w = this.waiting; this.waiting = null; w(x); } else this.items.push(x);
  }
  next(): Promise<ReadItem> {
    const x = this.items.shift();
    return x ? Promise.resolve(x) : new Promise((r) => { this.waiting = r; });
  }
}

/** How Python reports an error the socket call raised. */
function pythonError(e: NodeJS.ErrnoException): string {
  if (e.code === 'ECONNREFUSED') return 'ConnectionRefusedError: [Errno 111] Connection refused';
  if (e.code === 'ECONNRESET') return 'ConnectionResetError: [Errno 104] Connection reset by peer';
  if (e.code === 'EPIPE') return 'BrokenPipeError: [Errno 32] Broken pipe';
  return `OSError: ${e.message}`;
}

/** Every port an experiment could take is in use by another program. */
export class PortsInUseError extends Error {
  constructor(readonly host: string, readonly ports: readonly number[]) {
    super(`port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} on ${host} ${ports.length > 1 ? 'are' : 'is'} in use by another program`);
    this.name = 'PortsInUseError';
  }
}

/** An experiment with its server already listening (or its port found free): the capture can start now. */
export class PreparedExperiment {
  /** The client's ephemeral port, once connect() returned. */
  clientPort: number | null = null;

  private constructor(
    readonly plan: ExperimentPlan,
    readonly host: string,
    readonly port: number,
    readonly portNote: ExperimentPortNote | undefined,
    private server: Server | null,
    /** When listen() was called (the first event, made before any capture could start). */
    readonly listenedAt: number,
  ) {}

  /**
   * Listens on `port` (for the refused variant: makes sure nothing does; 0: a port the kernel picks). When it
   * is in use, on the first of `alternatives` that is free, then (`anyFree`, the default) on a port the
   * kernel picks, and says so in `portNote`; when no port it may take is free, throws PortsInUseError.
   */
  static async open(plan: ExperimentPlan, port: number, o: { alternatives?: readonly number[]; anyFree?: boolean } = {}): Promise<PreparedExperiment> {
    const host = experimentHost(plan);
    const candidates = [port, ...(o.alternatives ?? []).filter((p) => p !== port)];
    if (o.anyFree ?? true) candidates.push(0);
    const t = now();
    let server: Server | null = null;
    for (const candidate of candidates) {
      try {
        server = await listenOn(host, candidate);
        break;
      } catch (e) {
        if (!inUse(e)) throw e;
      }
    }
    if (!server) throw new PortsInUseError(host, candidates);
    const used = (server.address() as AddressInfo).port;
    const note: ExperimentPortNote | undefined = port !== 0 && used !== port ? { requested: port, used, reason: 'in_use' } : undefined;
    if (!plan.listen) {
      // Nobody may listen for a refused connection: the port was free a moment ago (we could bind it).
      await closeServer(server);
      server = null;
    }
    return new PreparedExperiment(plan, host, used, note, server, t);
  }

  /** Makes the calls; resolves when the programs are done (or rejects after the timeout). */
  async run(opts: RunOptions = {}): Promise<ScenarioOutcome> {
    const { plan, host, port } = this;
    const steps: ScenarioStep[] = [];
    const events: ExperimentEvent[] = [];
    const sockets: Socket[] = [];
    let clientPort: number | null = null;
    let received = '';
    let client: Socket | null = null;
    let conn: Socket | null = null;
    let clientReader: Reader | null = null;
    let connReader: Reader | null = null;
    const accepted = new Promise<Socket>((resolve) => this.server?.once('connection', (s: Socket) => {
      sockets.push(s);
      connReader = new Reader(s);
      resolve(s);
    }));
    const script = experimentScript(plan, port);
    const lingering = new Set<'client' | 'server'>();

    const work = async (): Promise<void> => {
      for (let i = 0; i < script.length; i++) {
        const c = script[i];
        const ev: ExperimentEvent = { seq: i, time: c.call === 'listen' ? this.listenedAt : now(), endpoint: c.endpoint, call: c.call, text: c.python.replace(/\n/g, '; '), result: '', frame: null };
        events.push(ev);
        if (c.causes) opts.onEvent?.(ev, 'call', c);
        const sock = (): Socket => {
          const s = c.endpoint === 'client' ? client : conn;
          if (!s) throw new Error(`${c.python}: the ${c.endpoint} has no connection`);
          return s;
        };
        switch (c.call) {
          case 'listen':
            break;
          case 'connect':
            try {
              client = await new Promise<Socket>((resolve, reject) => {
                const s = createConnection({ host, port, allowHalfOpen: true });
                s.once('connect', () => { s.removeListener('error', reject); resolve(s); });
                s.once('error', reject);
              });
              sockets.push(client);
              clientReader = new Reader(client);
              clientPort = client.localPort ?? null;
              this.clientPort = clientPort;
            } catch (e) {
              if (plan.listen || (e as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw e;
              ev.result = pythonError(e as NodeJS.ErrnoException);
            }
            if (client && !plan.listen) throw new Error(`something is listening on ${host} port ${port}; the refused variant needs a free port`);
            break;
          case 'accept':
            conn = await accepted;
            ev.time = now();
            ev.result = `(<socket>, ('${conn.remoteAddress}', ${conn.remotePort}${plan.family === 6 ? ', 0, 0' : ''}))`;
            break;
          case 'send': {
            const s = sock();
            await new Promise<void>((resolve, reject) => s.write(Buffer.from(c.data ?? '', 'utf8'), (e) => (e ? reject(e) : resolve())));
            break;
          }
          case 'recv': {
            const reader = c.endpoint === 'client' ? clientReader : connReader;
            if (!reader) throw new Error(`${c.python}: the ${c.endpoint} has no connection`);
            const got = await reader.next();
            ev.time = now();
            if ('data' in got) {
              ev.result = pyBytes(got.data.toString('utf8'));
              if (c.endpoint === 'server' && !received) received = got.data.toString('utf8');
            } else if ('end' in got) ev.result = "b''";
            else ev.result = pythonError(got.error);
            break;
          }
          case 'shutdown':
            sock().end();
            break;
          case 'setsockopt':
            lingering.add(c.endpoint);
            break;
          case 'close':
            if (c.endpoint === 'server' && c.python.startsWith('srv.')) {
              if (this.server) await closeServer(this.server);
              this.server = null;
            } else if (lingering.has(c.endpoint)) sock().resetAndDestroy();
            else sock().destroy();
            break;
        }
        opts.onEvent?.(ev, 'return', c);
        if (c.step) {
          const st: ScenarioStep = { code: c.step, text: c.python, serverPort: port, ...(clientPort !== null ? { clientPort } : {}) };
          steps.push(st);
          await opts.onStep?.(st);
        }
        if (plan.pauseMs > 0 && i < script.length - 1) await sleep(plan.pauseMs);
      }
    };
    const running = work();
    running.catch(() => undefined); // a late failure after a timeout is not an unhandled rejection
    let timer: NodeJS.Timeout | undefined;
    const limit = opts.timeoutMs ?? 30_000 + (script.length + 1) * plan.pauseMs;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the ${plan.variant} experiment did not finish in ${limit} ms`)), limit);
    });
    try {
      await Promise.race([running, timeout]);
    } finally {
      clearTimeout(timer);
      await this.dispose(sockets);
    }
    return { variant: plan.variant, host, port, ...(this.portNote ? { portNote: this.portNote } : {}), clientPort, steps, events, received };
  }

  /** Closes whatever is still open (an experiment that failed, or was prepared but never run). */
  async dispose(sockets: Socket[] = []): Promise<void> {
    for (const s of sockets) if (!s.destroyed) s.destroy();
    const srv = this.server;
    this.server = null;
    if (srv) await closeServer(srv);
  }
}

/** Prepares and runs an experiment in one go (tests and the kernel check, which capture on their own). */
export async function runScenario(opts: ScenarioOptions): Promise<ScenarioOutcome> {
  const plan = opts.plan ?? planFor({ variant: opts.variant ?? 'classic' });
  if (opts.slowMotionMs !== undefined) plan.pauseMs = opts.slowMotionMs;
  const prepared = await PreparedExperiment.open(plan, opts.port);
  return prepared.run(opts);
}
