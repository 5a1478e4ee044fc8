// Each variant of the lab, run for real on loopback and captured: the engine's per-endpoint states
// must walk the RFC 9293 sequence the variant implies, and, during slow-motion pauses (when the
// states are stable), equal what the kernel reports (ss). Both capture sources: cap in-process and the
// dumpcap helper (whose frames come up to 250 ms late, so its pauses are longer). Needs root; skipped otherwise.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { CapCapture } from '../../main/capture/cap-capture';
import { HelperCapture } from '../../main/capture/helper-capture';
import type { LiveCapture } from '../../main/capture/live-capture';
import { dissectFrame } from '../../main/engine/dissect/index';
import { newSession } from '../../main/engine/session';
import type { TcpState } from '../../main/engine/types';
import type { ExperimentVariant } from '../../main/api/types';
import type { ScenarioStep } from '../../main/capture/experiment/scenarios';
import { hasSs, kernelStates } from './ss';

function engineReady(): boolean {
  try {
    dissectFrame({ data: new Uint8Array(14), len: 14, linktype: 1, interface: 0, tsSec: 0, tsNsec: 0 }, 1, newSession());
    return true;
  } catch {
    return false;
  }
}

const root = process.getuid?.() === 0;
const ready = engineReady();
const base = !root ? 'not root' : !ready ? 'the engine\'s dissectors are not in place yet' : !hasSs() ? 'no ss' : '';

interface Source { name: string; make(): LiveCapture; reason: string; slowMotionMs: number; handoverMs: number }
const sources: Source[] = [
  { name: 'cap', make: () => new CapCapture(), reason: base || (!(await new CapCapture().availability()).available ? 'the cap module cannot capture here' : ''), slowMotionMs: 300, handoverMs: 150 },
  { name: 'dumpcap helper', make: () => new HelperCapture(), reason: base || (!(await new HelperCapture().availability()).available ? 'no dumpcap' : ''), slowMotionMs: 700, handoverMs: 450 },
];
for (const s of sources) if (s.reason) console.log(`skipping the live experiment tests with ${s.name}: ${s.reason}`);

const CLASSIC = {
  client: ['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT'],
  server: ['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED'],
};
const EXPECTED: Record<ExperimentVariant, { client: string[]; server: string[] }> = {
  classic: CLASSIC,
  ipv6: CLASSIC,
  'half-close': CLASSIC,
  'server-first': {
    client: ['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED'],
    server: ['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT'],
  },
  rst: {
    client: ['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'CLOSED'],
    server: ['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSED'],
  },
  // Nothing listens: the kernel answers the SYN with RST/ACK. There is no server socket at all, so the
  // server's end is CLOSED throughout, never LISTEN or SYN_RECEIVED (DECISIONS); the client's connect() is refused.
  refused: { client: ['CLOSED', 'SYN_SENT', 'CLOSED'], server: ['CLOSED'] },
};

const variants: ExperimentVariant[] = ['classic', 'server-first', 'half-close', 'rst', 'refused', 'ipv6'];

describe.each(sources.map((s, k) => [s.name, s, k] as const))('experiment variants on loopback (%s)', (_name, source, k) => {
  const reason = source.reason;
  variants.forEach((variant, i) => {
    it.skipIf(!!reason)(`${variant}: states follow the RFC sequence and match the kernel during pauses`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'hl-exp-'));
      const port = (k === 0 ? 24020 : 24040) + i;
      const observed: { step: string; kernel: { client: TcpState; server: TcpState }; engine: { client: TcpState; server: TcpState } | null }[] = [];
      const service: Service = new Service({ transport: 'ipc', capture: source.make(), dataDir, pushIntervalMs: 0, log: () => undefined, onExperimentStep: (step) => onStep(step) });
      const onStep = async (step: ScenarioStep) => {
        if (step.clientPort === undefined || step.code === 'listen') return;
        await new Promise((r) => setTimeout(r, source.handoverMs)); // let the capture hand over the step's segments
        const conns = service.frames.connections();
        const engine = conns.length ? conns[conns.length - 1].states : null;
        observed.push({ step: step.code, kernel: kernelStates(step.clientPort, port), engine });
      };
      try {
        const r = await service.runExperiment({ variant, port, slowMotionMs: source.slowMotionMs });
        // Open (3), data and its ACK (2), then a close: at least a RST (abort) or FIN + ACK.
        expect(r.frames).toBeGreaterThanOrEqual(variant === 'refused' ? 2 : variant === 'rst' ? 6 : 7);
        expect(r.streams.length).toBe(1);
        // Each endpoint's walk through the states, from the transitions in frame order (a segment that
        // moves an endpoint twice, e.g. FIN+ACK in FIN_WAIT_1, lists both).
        const frames = service.frames;
        // From the start states (a start is not a transition).
        const start = frames.connections()[0].startStates;
        const walk: Record<'client' | 'server', TcpState[]> = { client: [start.client], server: [start.server] };
        frames.redecodeMany(Array.from({ length: frames.total }, (_, k) => k + 1), (d) => {
          for (const t of d.frame.transitions ?? []) {
            const w = walk[t.endpoint];
            expect(t.from, `frame ${d.frame.frame}: ${t.endpoint} leaves the state it was in`).toBe(w[w.length - 1]);
            w.push(t.to);
          }
        });
        expect(walk.client, 'client states').toEqual(EXPECTED[variant].client);
        expect(walk.server, 'server states').toEqual(EXPECTED[variant].server);
        const last = frames.connections()[0].states;
        expect(last).toEqual({ client: walk.client[walk.client.length - 1], server: walk.server[walk.server.length - 1] });
        // Stable moments: the engine agrees with the kernel (TIME_WAIT's end and a server's CLOSED
        // after LAST_ACK are the kernel's too; a refused connection has no sockets to compare).
        for (const o of observed) {
          if (!o.engine) continue;
          expect(o.engine, `after ${o.step}`).toEqual(o.kernel);
        }
        if (variant !== 'refused') expect(observed.length).toBeGreaterThanOrEqual(2);
        // A refused connection had no handshake, so no handshake RTT (tshark's initial_rtt at the RST is none).
        if (variant === 'refused') expect(frames.connections()[0].handshakeRtt).toBeNull();
        else expect(frames.connections()[0].handshakeRtt).not.toBeNull();
      } finally {
        await service.dispose();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
