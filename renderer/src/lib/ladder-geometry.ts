// Where things go across the ladder diagram: the frame number and time at the left, the client's timeline, the
// server's on the right, each arrow sloping down as the segment "travels", states in pills beside the
// timelines. Shared by the live SVG view and the SVG/PNG export, so both look the same (ladder-rows.ts
// places the rows down the page).
import type { LadderSegment, TcpState, Transition } from '../../../main/api/types';

export interface LadderLayout {
  width: number;
  rowH: number;
  top: number;
  /** The frame number and time column, at the left. */
  timeX: number;
  timeW: number;
  clientX: number;
  serverX: number;
  /** How far an arrow drops while it crosses (the time it travels). */
  drop: number;
  /** Where a segment's arrow starts below its row's top (below its label: one line, or two). */
  arrowDy: number;
  /** Labels are written on two lines (the space between the timelines is narrow). */
  twoLines: boolean;
}

/** Width of a state pill (11.5px bold monospace) and its height. */
export const pillWidth = (text: string): number => text.length * 7 + 14;
export const PILL_H = 19;

/** Characters of a 12.5px monospace label that fit between the timelines. */
export const LABEL_CHAR = 7.5;

export function ladderLayout(width: number, opts: { rowH?: number; longestLabel?: number } = {}): LadderLayout {
  const base = opts.rowH ?? 48;
  const w = Math.max(480, width);
  const timeX = 10, timeW = 64;
  // Room left of the client's timeline for the time column and the widest single state pill (SYN_RECEIVED).
  const clientX = Math.max(timeX + timeW + 12 + pillWidth('SYN_RECEIVED') + 12, Math.round(Math.min(240, w * 0.25)));
  const serverX = w - Math.round(Math.max(pillWidth('SYN_RECEIVED') + 24, Math.min(175, w * 0.22)));
  // A label longer than the space between the timelines is split over two lines, and the rows grow for it.
  const twoLines = (opts.longestLabel ?? 0) * LABEL_CHAR > serverX - clientX - 16;
  const rowH = twoLines ? base + 14 : base;
  return { width: w, rowH, top: 50, timeX, timeW, clientX, serverX, drop: Math.round(base * 0.42), arrowDy: twoLines ? 34 : 20, twoLines };
}

export interface Arrow { x1: number; y1: number; x2: number; y2: number; midX: number; midY: number; angle: number }

/** The arrow of a segment whose row's arrow starts at y1. */
export function arrowAt(seg: Pick<LadderSegment, 'direction'>, y1: number, L: LadderLayout, drop = L.drop): Arrow {
  const c2s = seg.direction === 'c2s';
  const y2 = y1 + drop;
  const x1 = c2s ? L.clientX : L.serverX;
  const x2 = c2s ? L.serverX : L.clientX;
  return { x1, y1, x2, y2, midX: (x1 + x2) / 2, midY: (y1 + y2) / 2, angle: (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI };
}

export interface Pill { text: string; x: number; y: number; w: number }

export interface StateMark {
  endpoint: 'client' | 'server';
  state: TcpState;
  /** The states passed through in this segment, in order (e.g. FIN_WAIT_2 then TIME_WAIT). */
  path: TcpState[];
  /** One pill with the path ("FIN_WAIT_2 → TIME_WAIT"), or, where that would not fit beside the timeline, one per state, stacked. */
  pills: Pill[];
  transitions: Transition[];
}

/**
 * States written on the timelines where they change: the sender's at departure, the receiver's at arrival.
 * Pills never reach into the frame number/time column (nor past the right edge).
 */
export function stateMarks(seg: LadderSegment, a: Arrow, L: LadderLayout): StateMark[] {
  const out: StateMark[] = [];
  for (const endpoint of ['client', 'server'] as const) {
    const ts = seg.transitions.filter((t) => t.endpoint === endpoint);
    if (!ts.length) continue;
    const sender = (seg.direction === 'c2s') === (endpoint === 'client');
    const y = sender ? a.y1 : a.y2;
    const path = ts.map((t) => t.to);
    const room = endpoint === 'client' ? L.clientX - 12 - (L.timeX + L.timeW + 6) : L.width - (L.serverX + 12) - 4;
    const joined = path.join(' → ');
    const texts = pillWidth(joined) <= room ? [joined] : path;
    // Stacked: the receiver's end at the arrow's tip (earlier states above), the sender's start at its tail.
    const pills = texts.map((text, k) => {
      const w = pillWidth(text);
      const dy = sender ? k * (PILL_H + 2) : (k - texts.length + 1) * (PILL_H + 2);
      return { text, w, y: y + dy, x: endpoint === 'client' ? L.clientX - 12 - w : L.serverX + 12 };
    });
    out.push({ endpoint, state: path[path.length - 1], path, pills, transitions: ts });
  }
  return out;
}

/** A label in one line, or two split at the space nearest its middle. */
export function labelLines(label: string, two: boolean): string[] {
  if (!two || label.length < 16) return [label];
  const mid = label.length / 2;
  let best = -1;
  for (let i = label.indexOf(' '); i >= 0; i = label.indexOf(' ', i + 1)) if (best < 0 || Math.abs(i - mid) < Math.abs(best - mid)) best = i;
  return best < 0 ? [label] : [label.slice(0, best), label.slice(best + 1)];
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
