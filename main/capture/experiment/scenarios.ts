// The seed's lab and its variants as real sockets on loopback, each step awaited so the order of
// segments is the one the lesson describes, with an optional pause after each step (slow motion)
// during which the states are stable (a test compares them with the kernel's `ss` then).
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { ExperimentVariant } from '../../api/types';

export const EXPERIMENT_VARIANTS: readonly ExperimentVariant[] = ['classic', 'server-first', 'half-close', 'rst', 'refused', 'ipv6'];

/** What the seed's client sends. */
export const CLIENT_MESSAGE = "I'm TCP client";
export const SERVER_REPLY = "I'm TCP server";

export interface ScenarioOptions {
  variant: ExperimentVariant;
  port: number;
  /** Pause after each step, in ms (0: none). */
  slowMotionMs?: number;
  /** Called after each step (before the pause), e.g. to print it or to look at the kernel's view. */
  onStep?: (step: ScenarioStep) => void | Promise<void>;
  /** Give up after this long (ms). */
  timeoutMs?: number;
}

export interface ScenarioStep {
  /** Short code of what just happened: listen, connect, send, client_close, server_close, … */
  code: string;
  /** English sentence for the CLI. */
  text: string;
  /** The connection's ports once known: client (ephemeral) and server. */
  clientPort?: number;
  serverPort: number;
}

export interface ScenarioOutcome {
  variant: ExperimentVariant;
  host: string;
  port: number;
  clientPort: number | null;
  steps: ScenarioStep[];
  /** What the server received (classic: the client's message). */
  received: string;
}

export function experimentHost(variant: ExperimentVariant): string {
  return variant === 'ipv6' ? '::1' : '127.0.0.1';
}

/** BPF filter that keeps exactly the experiment's traffic. */
export function experimentFilter(port: number): string {
  return `tcp port ${port}`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ allowHalfOpen: true });
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is already in use; choose another with --port`) : e));
    server.listen({ host, port, backlog: 1, exclusive: true }, () => resolve(server));
  });
}

function nextConnection(server: Server): Promise<Socket> {
  return new Promise((resolve) => server.once('connection', resolve));
}

function connect(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host, port, allowHalfOpen: true });
    s.once('connect', () => { s.removeListener('error', reject); resolve(s); });
    s.once('error', reject);
  });
}

function readSome(s: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    s.once('data', (d: Buffer) => resolve(d.toString('utf8')));
    s.once('error', reject);
  });
}

/** Resolves once the peer's FIN arrived (the 'end' event). */
function peerClosed(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (s.readableEnded) return resolve();
    s.once('end', resolve);
    s.resume();
  });
}

function closed(s: Socket): Promise<void> {
  return new Promise((resolve) => (s.closed ? resolve() : s.once('close', () => resolve())));
}

export async function runScenario(opts: ScenarioOptions): Promise<ScenarioOutcome> {
  const { variant, port } = opts;
  const host = experimentHost(variant);
  const pauseMs = opts.slowMotionMs ?? 0;
  const steps: ScenarioStep[] = [];
  let clientPort: number | null = null;
  let received = '';
  const step = async (code: string, text: string) => {
    const s: ScenarioStep = { code, text, serverPort: port, ...(clientPort !== null ? { clientPort } : {}) };
    steps.push(s);
    await opts.onStep?.(s);
    if (pauseMs > 0) await sleep(pauseMs);
  };
  const sockets: Socket[] = [];
  let server: Server | null = null;
  const work = (async () => {
    if (variant === 'refused') {
      // Nobody listens: the kernel answers the SYN with RST, ACK.
      try {
        const s = await connect(host, port);
        sockets.push(s);
        throw new Error(`something is listening on ${host} port ${port}; the refused variant needs a free port`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw e;
      }
      await step('refused', `client: connect to ${host} port ${port} refused (RST)`);
      return;
    }
    server = await listen(host, port);
    await step('listen', `server: listening on ${host} port ${port}`);
    const accepted = nextConnection(server);
    const client = await connect(host, port);
    sockets.push(client);
    clientPort = client.localPort ?? null;
    const conn = await accepted;
    sockets.push(conn);
    await step('connect', `client: connected from port ${clientPort} (three-way handshake)`);
    const got = readSome(conn);
    client.write(CLIENT_MESSAGE);
    received = await got;
    await step('send', `client: sent "${CLIENT_MESSAGE}"; server received ${received.length} bytes`);
    switch (variant) {
      case 'classic':
      case 'ipv6': {
        const fin = peerClosed(conn);
        client.end();
        await fin;
        await step('client_close', 'client: close() — FIN sent; server: FIN received');
        const done = closed(client);
        conn.end();
        await Promise.all([done, closed(conn)]);
        await step('server_close', 'server: close() — FIN sent and acknowledged');
        break;
      }
      case 'server-first': {
        const fin = peerClosed(client);
        conn.end();
        await fin;
        await step('server_close', 'server: close() first — FIN sent; client: FIN received');
        const done = closed(conn);
        client.end();
        await Promise.all([done, closed(client)]);
        await step('client_close', 'client: close() — FIN sent and acknowledged');
        break;
      }
      case 'half-close': {
        const fin = peerClosed(conn);
        client.end();
        await fin;
        await step('client_shutdown', 'client: shutdown(SHUT_WR) — FIN sent; it can still receive');
        const reply = readSome(client);
        conn.write(SERVER_REPLY);
        await reply;
        await step('server_send', `server: sent "${SERVER_REPLY}" after the client's FIN (half-closed connection)`);
        const done = closed(client);
        conn.end();
        await Promise.all([done, closed(conn)]);
        await step('server_close', 'server: close() — FIN sent and acknowledged');
        break;
      }
      case 'rst': {
        const reset = new Promise<void>((resolve) => { conn.once('error', () => resolve()); conn.once('close', () => resolve()); });
        client.resetAndDestroy();
        await reset;
        await step('client_abort', 'client: close() with SO_LINGER 0 — RST sent, no FIN handshake');
        conn.destroy();
        break;
      }
    }
  })();
  work.catch(() => undefined); // a late failure after a timeout is not an unhandled rejection
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the ${variant} experiment did not finish in ${opts.timeoutMs ?? 30_000} ms`)), opts.timeoutMs ?? 30_000 + 10 * pauseMs);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    for (const s of sockets) if (!s.destroyed) s.destroy();
    const srv = server as Server | null;
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
  }
  return { variant, host, port, clientPort, steps, received };
}
