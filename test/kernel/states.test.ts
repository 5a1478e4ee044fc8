// Kernel check (issue 3, item 4): real client/server pairs on loopback, captured through the engine's
// input path (live capture with `cap`, as the back end does, each frame decoded by the Decoder as it
// arrives). The scenarios are the experiment's (main/capture/experiment/scenarios.ts: Node sockets, every
// socket call awaited); after each step the sockets stay still while we look at the kernel with
// `ss -tanH state all '( sport = :P or dport = :P )'`, several times. At each such observation, each
// endpoint's state as the engine gives it after the last frame captured before the observation
// (DecodedFrame.states) must equal the kernel's. Runs as root with cap; skipped otherwise, with the reason.
//
// What ss can and cannot show, and how it is handled:
// - An endpoint with no socket in ss is CLOSED (a socket closed after LAST_ACK, or after a RST, is freed;
//   a client whose connect was refused is CLOSED, or listed as UNCONN while Node still holds the fd).
// - The listening socket (peer "*:*") is not the connection's server endpoint: before the first SYN the
//   engine has no connection at all, so at the `listen` step we only check that the kernel lists a
//   LISTEN socket and the engine has seen no frame. After accept() the server endpoint is the accepted socket.
// - SYN_RECEIVED: on Linux a half-open connection is a request socket, listed by ss as SYN-RECV only while
//   it exists (with syncookies in use it may not exist at all). On loopback the handshake completes in
//   microseconds, so no pause ever holds a SYN_RECEIVED (or SYN_SENT, FIN_WAIT_1, LAST_ACK, CLOSING):
//   those passing states are checked from frames by the unit tests, not here (DECISIONS: compare where stable).
// - The kernel moves a socket to FIN_WAIT_1 when close() is called, even if the FIN is still queued behind
//   unsent data; our scenarios never leave data unsent, so the FIN is on the wire before we look.
import { describe, expect, it } from 'vitest';
import { CapCapture } from '../../main/backend/cap-capture';
import type { LiveCaptureSession } from '../../main/backend/live-capture';
import { Decoder } from '../../main/engine/decoder';
import type { DecodedFrame, EndpointStates } from '../../main/engine/types';
import type { ExperimentVariant } from '../../main/api/types';
import { experimentFilter, runScenario, type ScenarioStep } from '../../main/capture/experiment/scenarios';
import { occurrences } from '../helpers/decode';
import { connectionStates, hasSs, kernelSockets, type KernelSocket } from '../experiment/ss';

const root = process.getuid?.() === 0;
const cap = new CapCapture();
const capAvail = await cap.availability();
const reason = !root ? 'not root (live capture and ss of every socket need root)'
  : !capAvail.available ? `live capture is unavailable: ${capAvail.reason ?? 'cap cannot capture here'}`
    : !hasSs() ? 'ss (iproute2) is not installed' : '';
if (reason) console.log(`skipping the kernel state check: ${reason}`);

/** Quiet time after a step before looking, so the capture has handed over every segment (and delayed ACKs went out). */
const SETTLE_MS = 250;
/** ss is asked this many times per observation, this far apart: the answer must not change. */
const POLLS = 3;
const POLL_GAP_MS = 80;
/** Extra pause after each observation, before the next socket call. */
const PAUSE_MS = 100;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Stopped capture sessions, kept referenced for the life of the process: cap's close() stops its libuv
 * poll handle but never uv_close()s it, so a collected Cap leaves a freed handle in libuv's handle queue
 * (the worker crashed after a few scenarios without this). See the note in the report to the lead.
 */
const stoppedSessions: LiveCaptureSession[] = [];

interface Observation {
  step: string;
  /** Frames captured before the observation. */
  frames: number;
  /** The engine's states after the last of them (null: no TCP frame of the connection yet). */
  engine: EndpointStates | null;
  engineFrame: number | null;
  kernel: EndpointStates;
  /** ss lines of the port, for the failure message. */
  ss: string[];
  /** Nothing was captured and ss did not change while we looked. */
  stable: boolean;
  listening: boolean;
}

const num = (f: DecodedFrame, name: string): number | null => {
  const v = occurrences(f, name)[0];
  return typeof v === 'number' ? v : null;
};

const ssLine = (s: KernelSocket) => `${s.ss} ${s.local} ${s.peer}`;

/** Runs one scenario under live capture and observes the kernel and the engine after every step. */
async function observeScenario(variant: ExperimentVariant, port: number): Promise<{ observations: Observation[]; frames: DecodedFrame[]; captureError: string | null }> {
  const decoder = new Decoder();
  const frames: DecodedFrame[] = [];
  let captureError: string | null = null;
  const ifaces = await cap.listInterfaces();
  const lo = ifaces.find((i) => i.loopback);
  if (!lo) throw new Error('no loopback interface');
  const session: LiveCaptureSession = await cap.start({ interface: lo.name, filter: experimentFilter(port), snaplen: 262144 }, {
    frames: (batch) => { for (const raw of batch) frames.push(decoder.decode(raw)); },
    stats: () => undefined,
    error: (e) => { captureError = e.message; },
  });
  await sleep(100); // the capture handle is open; give libpcap a moment before the first SYN
  const observations: Observation[] = [];
  let clientPort: number | null = null;

  /** The client's port: from the step, else (refused) from the first captured SYN towards the server. */
  const findClientPort = (step?: ScenarioStep): number | null => {
    if (step?.clientPort !== undefined) return step.clientPort;
    for (const f of frames) if (f.states && num(f, 'tcp.dstport') === port) return num(f, 'tcp.srcport');
    return null;
  };

  const observe = async (code: string, step?: ScenarioStep) => {
    await sleep(SETTLE_MS);
    const n = frames.length;
    clientPort ??= findClientPort(step);
    const polls: KernelSocket[][] = [];
    for (let k = 0; k < POLLS; k++) {
      if (k) await sleep(POLL_GAP_MS);
      polls.push(kernelSockets(port));
    }
    const cp = clientPort ?? -1;
    const kernels = polls.map((p) => connectionStates(p, cp, port));
    const stable = frames.length === n && kernels.every((k) => k.client === kernels[0].client && k.server === kernels[0].server);
    // The last frame of this connection captured before we looked.
    let last: DecodedFrame | null = null;
    for (let i = n - 1; i >= 0 && !last; i--) {
      const f = frames[i];
      if (!f.states) continue;
      const ports = [num(f, 'tcp.srcport'), num(f, 'tcp.dstport')];
      if (ports.includes(port) && ports.includes(cp)) last = f;
    }
    observations.push({
      step: code,
      frames: n,
      engine: last?.states ?? null,
      engineFrame: last?.frame ?? null,
      kernel: kernels[0],
      ss: polls[0].map(ssLine),
      stable,
      listening: polls[0].some((s) => s.state === 'LISTEN' && s.localPort === port),
    });
    await sleep(PAUSE_MS);
  };

  try {
    await runScenario({ variant, port, onStep: (s) => observe(s.code, s), timeoutMs: 30_000 });
    await observe('end'); // every socket closed by the scenario (TIME_WAIT stays in the kernel)
  } finally {
    await session.stop();
    stoppedSessions.push(session);
  }
  return { observations, frames, captureError };
}

function table(variant: string, obs: Observation[]): string {
  const fmt = (s: EndpointStates | null) => (s ? `${s.client}/${s.server}` : '-');
  const lines = obs.map((o) => `  ${o.step.padEnd(16)} frames ${String(o.frames).padStart(2)}  engine ${fmt(o.engine).padEnd(26)} kernel ${fmt(o.kernel).padEnd(26)}${o.stable ? '' : ' UNSTABLE'}  [${o.ss.join('; ')}]`);
  return `${variant} (client/server):\n${lines.join('\n')}`;
}

const SCENARIOS: { variant: ExperimentVariant; what: string }[] = [
  { variant: 'classic', what: 'normal open and close, client closes first' },
  { variant: 'half-close', what: 'half-close, the server sends data after the client\'s FIN' },
  { variant: 'server-first', what: 'server closes first' },
  { variant: 'rst', what: 'abort with RST (SO_LINGER 0)' },
  { variant: 'refused', what: 'connection refused (nobody listens)' },
  { variant: 'ipv6', what: 'normal open and close over ::1' },
];

describe('engine states equal the kernel\'s (ss) at stable moments on loopback', () => {
  SCENARIOS.forEach(({ variant, what }, i) => {
    it.skipIf(!!reason)(`${variant}: ${what}`, async () => {
      const port = 24160 + i; // unique per scenario (other live tests use 24011..24099)
      const { observations, frames, captureError } = await observeScenario(variant, port);
      console.log(table(variant, observations));
      expect(captureError, 'the capture failed').toBeNull();
      expect(frames.length, 'segments captured').toBeGreaterThanOrEqual(variant === 'refused' ? 2 : variant === 'rst' ? 6 : 8);
      // Every observation was taken at a still moment: nothing captured and ss unchanged while we looked.
      for (const o of observations) expect(o.stable, `${variant} after ${o.step}: not a stable moment`).toBe(true);
      const disagreements: string[] = [];
      for (const o of observations) {
        if (o.step === 'listen') {
          // Before the first SYN: a listening socket in the kernel, no connection in the engine.
          expect(o.listening, 'the kernel lists the listening socket').toBe(true);
          expect(o.engine, 'the engine has no connection before the first SYN').toBeNull();
          continue;
        }
        // The observation machinery sees the kernel's sockets at all: right after the handshake both are ESTAB.
        if (o.step === 'connect') expect(o.kernel, `ss lists the connection: ${o.ss.join('; ')}`).toEqual({ client: 'ESTABLISHED', server: 'ESTABLISHED' });
        expect(o.engine, `${variant} after ${o.step}: the engine has the connection`).not.toBeNull();
        for (const who of ['client', 'server'] as const) {
          const engine = o.engine?.[who];
          if (engine !== o.kernel[who]) {
            disagreements.push(`after ${o.step} (frame ${o.engineFrame}): ${who} engine ${engine} ≠ kernel ${o.kernel[who]} [ss: ${o.ss.join('; ') || 'no sockets'}]`);
          }
        }
      }
      expect(disagreements, `${variant}: engine vs kernel`).toEqual([]);
      // The scenario's own steps were all observed (listen/connect/…/end; refused: refused/end).
      expect(observations.length).toBeGreaterThanOrEqual(variant === 'refused' ? 2 : 5);
    }, 40_000);
  });
});
