// The annotated trace of an experiment, as the CLI prints it: one line per segment (No., time,
// direction, Wireshark-style label, both endpoints' states after it) and the state changes it caused.
import type { ConnectionSummary, LadderSegment, StateNote, Transition } from '../../api/types';

/** "client: FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT (FIN acknowledged, received FIN)": one line per endpoint. */
export function transitionLines(transitions: readonly Transition[]): string[] {
  const lines: string[] = [];
  for (const who of ['client', 'server'] as const) {
    const mine = transitions.filter((t) => t.endpoint === who);
    if (!mine.length) continue;
    const chain = [mine[0].from, ...mine.map((t) => t.to)].join(' → ');
    lines.push(`${who}: ${chain} (${mine.map((t) => t.text).join(', ')})`);
  }
  return lines;
}

/** "server: no listener: …": why an endpoint did not change where one might expect it to. */
export function noteLines(notes: readonly StateNote[] | undefined): string[] {
  return (notes ?? []).map((n) => `${n.endpoint}: ${n.text}`);
}

/** The lines under a segment: its state changes, then its notes. */
export function segmentLines(seg: Pick<LadderSegment, 'transitions' | 'notes'>): string[] {
  return [...transitionLines(seg.transitions), ...noteLines(seg.notes)];
}

/** "stream 0 starts: client CLOSED, server LISTEN (capture starts at the opening SYN)". */
export function startLine(c: ConnectionSummary): string {
  const s = c.startStates;
  return `stream ${c.stream} starts: client ${s.client}, server ${s.server} (${s.text})`;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function traceHeader(): string {
  return `${'No.'.padStart(4)}  ${pad('Time', 10)}  ${pad('Direction', 18)}  ${pad('Segment', 48)}  ${pad('Client', 12)}  Server`;
}

export function traceLine(seg: LadderSegment, t0: number): string {
  const dir = seg.direction === 'c2s' ? 'client → server' : 'client ← server';
  const marks = seg.analysis.length ? ` [${seg.analysis.join(', ')}]` : '';
  return `${String(seg.frame).padStart(4)}  ${pad((seg.time - t0).toFixed(6), 10)}  ${pad(dir, 18)}  ${pad(seg.label + marks, 48)}  ${pad(seg.states.client, 12)}  ${seg.states.server}`;
}

export function summaryLine(c: ConnectionSummary): string {
  const rtt = c.handshakeRtt === null ? '' : `, handshake RTT ${(c.handshakeRtt * 1000).toFixed(3)} ms`;
  return `stream ${c.stream}: client ${c.client} ended ${c.states.client}, server ${c.server} ended ${c.states.server}; ${c.frames} segments, ${c.bytes} bytes${rtt}`;
}
