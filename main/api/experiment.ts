// The experiment as a script of socket calls, shared by the runner (which makes the calls with Node's
// sockets), the renderer's editor (which shows the same calls as the two Python programs of the seed's
// blog) and the capture's comments (which carry each call, as it happened, with the frames it caused).
// One list of calls for all three, so what runs, what is shown and what is recorded cannot drift apart.
import type { ExperimentCall, ExperimentEvent, ExperimentVariant } from './types';

export const EXPERIMENT_VARIANTS: readonly ExperimentVariant[] = ['classic', 'server-first', 'half-close', 'rst', 'refused', 'ipv6'];

/** What the seed's client sends, and what the half-close variant's server answers after the client's FIN. */
export const CLIENT_MESSAGE = "I'm TCP client";
export const SERVER_REPLY = "I'm TCP server";
export const DEFAULT_EXPERIMENT_PORT = 12345;

/** How the first closer ends its side. */
export type CloseHow = 'close' | 'shutdown' | 'linger0';

/** Everything the programs do differently from one run to another. */
export interface ExperimentPlan {
  variant: ExperimentVariant;
  family: 4 | 6;
  /** False: nobody listens, the kernel refuses the connection. */
  listen: boolean;
  message: string;
  /** The server's answer ('' = none): after the client's FIN when the client half-closes, else right after reading. */
  reply: string;
  closer: 'client' | 'server';
  how: CloseHow;
  /** Pause after each socket call (slow motion, and a delay that decides e.g. whether the FIN rides on the ACK). */
  pauseMs: number;
}

/** The editor's choices (any left out come from the variant). */
export interface PlanChoices {
  variant?: ExperimentVariant;
  message?: string;
  reply?: string;
  closer?: 'client' | 'server';
  how?: CloseHow;
  ipv6?: boolean;
  slowMotionMs?: number;
}

const PRESETS: Record<ExperimentVariant, Omit<ExperimentPlan, 'variant' | 'pauseMs' | 'message'>> = {
  classic: { family: 4, listen: true, reply: '', closer: 'client', how: 'close' },
  'server-first': { family: 4, listen: true, reply: '', closer: 'server', how: 'close' },
  'half-close': { family: 4, listen: true, reply: SERVER_REPLY, closer: 'client', how: 'shutdown' },
  rst: { family: 4, listen: true, reply: '', closer: 'client', how: 'linger0' },
  refused: { family: 4, listen: false, reply: '', closer: 'client', how: 'close' },
  ipv6: { family: 6, listen: true, reply: '', closer: 'client', how: 'close' },
};

export function planFor(c: PlanChoices): ExperimentPlan {
  const variant = c.variant ?? 'classic';
  const p = PRESETS[variant];
  return {
    variant,
    family: c.ipv6 === undefined ? p.family : c.ipv6 ? 6 : 4,
    listen: p.listen,
    message: c.message ?? CLIENT_MESSAGE,
    reply: c.reply ?? p.reply,
    closer: c.closer ?? p.closer,
    how: c.how ?? p.how,
    pauseMs: c.slowMotionMs ?? 0,
  };
}

export function experimentHost(plan: Pick<ExperimentPlan, 'family'>): string {
  return plan.family === 6 ? '::1' : '127.0.0.1';
}

/** The segment a call makes its own endpoint send first, if any. */
export type CallCauses = 'syn' | 'data' | 'fin' | 'rst' | null;

export interface ScriptCall {
  endpoint: 'client' | 'server';
  call: ExperimentCall;
  /** The call as the Python program writes it. */
  python: string;
  causes: CallCauses;
  /** send: the text sent. */
  data?: string;
  /** A stable point after this call: the runner's observers (kernel checks, CLI steps) look then. */
  step?: string;
  /** recv after the peer's RST: Python raises ConnectionResetError. */
  reset?: boolean;
}

/** Python's repr() of text.encode('utf-8'): b'…' (or b"…" when the text has ' but no "), escapes as Python writes them. */
export function pyBytes(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = 'b' + quote;
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === quote.charCodeAt(0)) out += '\\' + quote;
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += '\\x' + b.toString(16).padStart(2, '0');
    else out += String.fromCharCode(b);
  }
  return out + quote;
}

function pyAddress(plan: ExperimentPlan, port: number): string {
  return `('${experimentHost(plan)}', ${port})`;
}

/**
 * The calls of both programs in the order they happen. Blocking calls (accept, recv) come after the other
 * side's call they wait for, so two separate Python programs make the same calls in the same order.
 */
export function experimentScript(plan: ExperimentPlan, port: number): ScriptCall[] {
  const s: ScriptCall[] = [];
  const add = (x: ScriptCall): void => { s.push(x); };
  const addr = pyAddress(plan, port);
  if (plan.listen) add({ endpoint: 'server', call: 'listen', python: `srv.bind(${addr})\nsrv.listen(1)`, causes: null, step: 'listen' });
  add({ endpoint: 'client', call: 'connect', python: `sock.connect(${addr})`, causes: 'syn', step: plan.listen ? undefined : 'refused' });
  if (!plan.listen) return s;
  add({ endpoint: 'server', call: 'accept', python: 'conn, addr = srv.accept()', causes: null, step: 'connect' });
  add({ endpoint: 'client', call: 'send', python: `sock.sendall(${pyBytes(plan.message)})`, causes: 'data', data: plan.message });
  add({ endpoint: 'server', call: 'recv', python: 'data = conn.recv(1024)', causes: null, step: 'send' });
  const sock = (who: 'client' | 'server'): string => (who === 'client' ? 'sock' : 'conn');
  const replyNow = plan.reply && !(plan.how === 'shutdown' && plan.closer === 'client');
  const reply = (): void => {
    add({ endpoint: 'server', call: 'send', python: `conn.sendall(${pyBytes(plan.reply)})`, causes: 'data', data: plan.reply });
    add({ endpoint: 'client', call: 'recv', python: 'data = sock.recv(1024)', causes: null, step: 'server_send' });
  };
  if (replyNow) reply();
  const first = plan.closer;
  const other = first === 'client' ? 'server' : 'client';
  switch (plan.how) {
    case 'close':
      add({ endpoint: first, call: 'close', python: `${sock(first)}.close()`, causes: 'fin' });
      add({ endpoint: other, call: 'recv', python: `data = ${sock(other)}.recv(1024)`, causes: null, step: `${first}_close` });
      add({ endpoint: other, call: 'close', python: `${sock(other)}.close()`, causes: 'fin', step: `${other}_close` });
      break;
    case 'shutdown':
      add({ endpoint: first, call: 'shutdown', python: `${sock(first)}.shutdown(socket.SHUT_WR)`, causes: 'fin' });
      add({ endpoint: other, call: 'recv', python: `data = ${sock(other)}.recv(1024)`, causes: null, step: `${first}_shutdown` });
      if (plan.reply && !replyNow) reply();
      add({ endpoint: other, call: 'close', python: `${sock(other)}.close()`, causes: 'fin' });
      add({ endpoint: first, call: 'recv', python: `data = ${sock(first)}.recv(1024)`, causes: null });
      add({ endpoint: first, call: 'close', python: `${sock(first)}.close()`, causes: null, step: `${other}_close` });
      break;
    case 'linger0':
      add({ endpoint: first, call: 'setsockopt', python: `${sock(first)}.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))`, causes: null });
      add({ endpoint: first, call: 'close', python: `${sock(first)}.close()`, causes: 'rst', step: `${first}_abort` });
      add({ endpoint: other, call: 'recv', python: `data = ${sock(other)}.recv(1024)`, causes: null, reset: true });
      add({ endpoint: other, call: 'close', python: `${sock(other)}.close()`, causes: null });
      break;
  }
  add({ endpoint: 'server', call: 'close', python: 'srv.close()', causes: null });
  return s;
}

// ---- the two programs in Python ----

const COMMENTS: Partial<Record<CallCauses & string, string>> = { syn: 'SYN', data: 'data', fin: 'FIN', rst: 'RST' };

function pythonProgram(plan: ExperimentPlan, port: number, who: 'client' | 'server'): string {
  const family = plan.family === 6 ? 'AF_INET6' : 'AF_INET';
  const calls = experimentScript(plan, port).filter((c) => c.endpoint === who);
  const lines: string[] = ['import socket'];
  if (calls.some((c) => c.call === 'setsockopt')) lines.push('import struct');
  if (plan.pauseMs > 0) lines.push('import time');
  lines.push('');
  const pause = plan.pauseMs > 0 ? `time.sleep(${+(plan.pauseMs / 1000).toFixed(3)})` : null;
  if (who === 'server') {
    if (!plan.listen) return `# No server: nobody listens on port ${port}, so the kernel answers the client's SYN with RST.\n`;
    lines.push(`srv = socket.socket(socket.${family}, socket.SOCK_STREAM)`, 'srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)');
  } else {
    lines.push(`sock = socket.socket(socket.${family}, socket.SOCK_STREAM)`);
  }
  const indent = who === 'client' && !plan.listen ? '    ' : '';
  if (indent) lines.push('try:');
  calls.forEach((c, i) => {
    if (i > 0 && pause) lines.push(indent + pause);
    const note = c.causes ? `  # sends ${COMMENTS[c.causes]}` : c.call === 'recv' ? '  # waits for data, or b\'\' once the peer sent FIN' : '';
    if (c.reset) {
      lines.push(`${indent}try:`, `${indent}    ${c.python}`, `${indent}    print('${who} received', data)`,
        `${indent}except ConnectionResetError as e:`, `${indent}    print('${who}:', e)  # the peer reset the connection (RST)`);
      return;
    }
    lines.push(...c.python.split('\n').map((l, k, all) => indent + l + (k === all.length - 1 ? note : '')));
    if (c.call === 'recv') lines.push(`${indent}print('${who} received', data)`);
  });
  if (indent) lines.push('except ConnectionRefusedError as e:', "    print('client:', e)  # the kernel answered the SYN with RST");
  return lines.join('\n') + '\n';
}

/** The server's and the client's Python programs that make the same calls as the experiment. */
export function pythonPrograms(plan: ExperimentPlan, port: number): { server: string; client: string } {
  return { server: pythonProgram(plan, port, 'server'), client: pythonProgram(plan, port, 'client') };
}

// ---- events in pcapng comments ----

const PREFIX = 'Handshake Lab, call ';
const HEADER = 'Handshake Lab experiment: ';
const CALLS: readonly ExperimentCall[] = ['listen', 'connect', 'accept', 'send', 'recv', 'shutdown', 'setsockopt', 'close'];

/**
 * One call as a comment line: `Handshake Lab, call 4 (client, send) at 1764790000.123456: sock.sendall(b"I'm TCP
 * client")`, with ` → RESULT` when the call returned something. The Python text escapes every non-ASCII byte,
 * so the arrow separates it from the result unambiguously.
 */
export function eventComment(e: ExperimentEvent): string {
  return `${PREFIX}${e.seq} (${e.endpoint}, ${e.call}) at ${e.time.toFixed(6)}: ${e.text}${e.result ? ` → ${e.result}` : ''}`;
}

const EVENT_RE = /^Handshake Lab, call (\d+) \((client|server), ([a-z]+)\) at (\d+(?:\.\d+)?): (.*?)(?: → (.*))?$/s;

/** The event a comment carries, or null when it is some other comment. `frame` is the frame it was on. */
export function parseEventComment(text: string, frame: number | null): ExperimentEvent | null {
  const m = EVENT_RE.exec(text);
  if (!m || !(CALLS as readonly string[]).includes(m[3])) return null;
  return { seq: Number(m[1]), endpoint: m[2] as 'client' | 'server', call: m[3] as ExperimentCall, time: Number(m[4]), text: m[5], result: m[6] ?? '', frame };
}

/** The section header's first comment: which connection the calls there belong to. */
export function experimentHeaderComment(plan: ExperimentPlan, port: number, clientPort: number | null): string {
  return `${HEADER}${plan.variant}; server ${experimentHost(plan)} port ${port}; client port ${clientPort ?? 'unknown'}`;
}

export function parseExperimentHeader(text: string): { serverPort: number; clientPort: number | null } | null {
  const m = /^Handshake Lab experiment: [a-z0-9-]+; server \S+ port (\d+); client port (\d+|unknown)$/.exec(text);
  return m ? { serverPort: Number(m[1]), clientPort: m[2] === 'unknown' ? null : Number(m[2]) } : null;
}
