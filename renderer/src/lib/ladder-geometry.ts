// Where things go in the ladder diagram: one row per segment, the client's timeline on the left and the
// server's on the right, each arrow sloping down as the segment "travels". Shared by the live SVG view and the
// SVG/PNG export, so both look the same.
import type { LadderSegment, TcpState, Transition } from '../api';

export interface LadderLayout {
  width: number;
  rowH: number;
  top: number;
  timeX: number;
  clientX: number;
  serverX: number;
  /** How far an arrow drops while it crosses (the time it travels). */
  drop: number;
}

export function ladderLayout(width: number, rowH = 48): LadderLayout {
  const w = Math.max(480, width);
  const clientX = Math.round(Math.min(240, w * 0.25));
  return { width: w, rowH, top: 50, timeX: 12, clientX, serverX: w - Math.round(Math.min(175, w * 0.22)), drop: Math.round(rowH * 0.42) };
}

export interface Arrow { x1: number; y1: number; x2: number; y2: number; midX: number; midY: number; angle: number }

export function rowY(i: number, L: LadderLayout): number {
  return L.top + i * L.rowH + 20;
}

export function arrowFor(seg: Pick<LadderSegment, 'direction'>, i: number, L: LadderLayout): Arrow {
  const c2s = seg.direction === 'c2s';
  const y1 = rowY(i, L);
  const y2 = y1 + L.drop;
  const x1 = c2s ? L.clientX : L.serverX;
  const x2 = c2s ? L.serverX : L.clientX;
  return { x1, y1, x2, y2, midX: (x1 + x2) / 2, midY: (y1 + y2) / 2, angle: (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI };
}

export interface StateMark {
  endpoint: 'client' | 'server';
  state: TcpState;
  /** The states passed through in this segment, in order (e.g. FIN_WAIT_2 then TIME_WAIT). */
  path: TcpState[];
  x: number;
  y: number;
  anchor: 'start' | 'end';
  transitions: Transition[];
}

/** States written on the timelines where they change: the sender's at departure, the receiver's at arrival. */
export function stateMarks(seg: LadderSegment, i: number, L: LadderLayout): StateMark[] {
  const a = arrowFor(seg, i, L);
  const out: StateMark[] = [];
  for (const endpoint of ['client', 'server'] as const) {
    const ts = seg.transitions.filter((t) => t.endpoint === endpoint);
    if (!ts.length) continue;
    const sender = (seg.direction === 'c2s') === (endpoint === 'client');
    const y = sender ? a.y1 : a.y2;
    out.push({
      endpoint,
      state: ts[ts.length - 1].to,
      path: ts.map((t) => t.to),
      x: endpoint === 'client' ? L.clientX - 12 : L.serverX + 12,
      y,
      anchor: endpoint === 'client' ? 'end' : 'start',
      transitions: ts,
    });
  }
  return out;
}

/** The label with raw (absolute) numbers instead of relative ones. */
export function segmentLabel(seg: LadderSegment, relative: boolean): string {
  if (relative) return seg.label;
  return seg.label.replace(/\bSeq=\d+/, `Seq=${seg.seqRaw}`).replace(/\bAck=\d+/, `Ack=${seg.ackRaw}`);
}

/** Wireshark's expert prefixes at the start of the Info column: "[TCP Retransmission]", "[TCP Dup ACK 5#1]"… */
export function expertMarks(info: string): string[] {
  const out: string[] = [];
  const re = /^\s*\[(TCP [^\]]+)\]/;
  let rest = info;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest))) {
    out.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** Wireshark's "Bad TCP" colouring rule: analysis flags other than window updates and keep-alives. */
export function isBadTcp(seg: Pick<LadderSegment, 'analysis'>): boolean {
  return seg.analysis.some((f) => f !== 'window_update' && f !== 'keep_alive' && f !== 'keep_alive_ack');
}

/** Rows visible in a scroll window, with some overscan. */
export function visibleRows(scrollTop: number, height: number, total: number, L: LadderLayout, overscan = 6): [number, number] {
  const first = Math.max(0, Math.floor((scrollTop - L.top) / L.rowH) - overscan);
  const last = Math.min(total - 1, Math.ceil((scrollTop + height - L.top) / L.rowH) + overscan);
  return [first, last];
}

export function ladderHeight(total: number, L: LadderLayout): number {
  return L.top + total * L.rowH + 40;
}
