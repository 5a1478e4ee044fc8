// The RFC 9293 (section 3.3.2) TCP connection state diagram, laid out as the RFC draws it: CLOSED at the top,
// the opening states, ESTABLISHED in the middle, the closing states below, and CLOSED drawn again at the
// bottom right where a closed connection ends. Edges are orthogonal polylines so tokens can travel along them.
// The engine reports only arrows of this figure, plus moves to CLOSED on a reset, which any state may make
// (the RFC's note 3 leaves them out of the figure for legibility): those are drawn as reset edges when taken.
import type { TcpState, Transition } from '../api';

export type NodeId = TcpState | 'CLOSED_END';

export interface DiagramNode { id: NodeId; state: TcpState; x: number; y: number }
export interface Point { x: number; y: number }
export interface DiagramEdge {
  id: string;
  from: NodeId;
  to: NodeId;
  points: Point[];
  /** Event above the rule, action below it (RFC style); action may be empty. */
  event: string;
  action: string;
  label: Point;
  anchor: 'start' | 'middle' | 'end';
  /** Where the action line sits below the event line (default 15). */
  actionDy?: number;
  /** A reset's move to CLOSED (RFC note 3: any state may make it; not drawn in the figure): drawn only when taken. */
  reset?: boolean;
}

export const VIEW = { width: 940, height: 665 };
export const NODE = { w: 160, h: 40 };

const n = (id: NodeId, x: number, y: number): DiagramNode => ({ id, state: id === 'CLOSED_END' ? 'CLOSED' : id, x, y });

// Three columns (opening/closing on the left: the active side; right: the passive side) and eight rows.
const L = 130, C = 465, R = 800;
export const NODES: DiagramNode[] = [
  n('CLOSED', C, 36), n('LISTEN', C, 136), n('SYN_RECEIVED', L, 236), n('SYN_SENT', R, 236),
  n('ESTABLISHED', C, 336), n('FIN_WAIT_1', L, 436), n('CLOSE_WAIT', R, 436), n('FIN_WAIT_2', L, 536),
  n('CLOSING', C, 536), n('LAST_ACK', R, 536), n('TIME_WAIT', C, 626), n('CLOSED_END', R, 626),
];

const p = (x: number, y: number): Point => ({ x, y });
const e = (id: string, from: NodeId, to: NodeId, points: Point[], event: string, action: string, label: Point, anchor: DiagramEdge['anchor']): DiagramEdge =>
  ({ id, from, to, points, event, action, label, anchor });

export const EDGES: DiagramEdge[] = [
  e('passive-open', 'CLOSED', 'LISTEN', [p(C - 30, 56), p(C - 30, 116)], 'passive OPEN', 'create TCB', p(C - 38, 82), 'end'),
  e('listen-close', 'LISTEN', 'CLOSED', [p(C + 30, 116), p(C + 30, 56)], 'CLOSE', 'delete TCB', p(C + 38, 82), 'start'),
  e('active-open', 'CLOSED', 'SYN_SENT', [p(C + 80, 26), p(R + 45, 26), p(R + 45, 216)], 'active OPEN', 'snd SYN', p(R + 53, 112), 'start'),
  e('syn-sent-close', 'SYN_SENT', 'CLOSED', [p(R - 5, 216), p(R - 5, 46), p(C + 80, 46)], 'CLOSE', 'delete TCB', p((C + 80 + R - 5) / 2, 70), 'middle'),
  e('listen-send', 'LISTEN', 'SYN_SENT', [p(C + 80, 146), p(R - 35, 146), p(R - 35, 216)], 'SEND', 'snd SYN', p((C + 80 + R - 35) / 2, 172), 'middle'),
  e('rcv-syn', 'LISTEN', 'SYN_RECEIVED', [p(C - 80, 146), p(L + 35, 146), p(L + 35, 216)], 'rcv SYN', 'snd SYN,ACK', p((C - 80 + L + 35) / 2, 172), 'middle'),
  e('syn-rcvd-rst', 'SYN_RECEIVED', 'LISTEN', [p(L - 35, 216), p(L - 35, 126), p(C - 80, 126)], 'rcv RST', '', p((L - 35 + C - 80) / 2, 118), 'middle'),
  { ...e('simultaneous-open', 'SYN_SENT', 'SYN_RECEIVED', [p(R - 80, 236), p(L + 80, 236)], 'rcv SYN', 'snd SYN,ACK', p(C, 229), 'middle'), actionDy: 24 },
  e('rcv-ack-of-syn', 'SYN_RECEIVED', 'ESTABLISHED', [p(L + 35, 256), p(L + 35, 326), p(C - 80, 326)], 'rcv ACK of SYN', '', p((L + 35 + C - 80) / 2, 318), 'middle'),
  e('syn-rcvd-close', 'SYN_RECEIVED', 'FIN_WAIT_1', [p(L - 45, 256), p(L - 45, 416)], 'CLOSE', 'snd FIN', p(L - 53, 330), 'end'),
  e('rcv-syn-ack', 'SYN_SENT', 'ESTABLISHED', [p(R + 35, 256), p(R + 35, 326), p(C + 80, 326)], 'rcv SYN,ACK', 'snd ACK', p((R + 35 + C + 80) / 2, 300), 'middle'),
  e('active-close', 'ESTABLISHED', 'FIN_WAIT_1', [p(C - 80, 346), p(L + 55, 346), p(L + 55, 416)], 'CLOSE', 'snd FIN', p((C - 80 + L + 55) / 2, 370), 'middle'),
  e('passive-close', 'ESTABLISHED', 'CLOSE_WAIT', [p(C + 80, 346), p(R - 55, 346), p(R - 55, 416)], 'rcv FIN', 'snd ACK', p((C + 80 + R - 55) / 2, 370), 'middle'),
  e('fin-acked-1', 'FIN_WAIT_1', 'FIN_WAIT_2', [p(L, 456), p(L, 516)], 'rcv ACK of FIN', '', p(L + 8, 490), 'start'),
  e('simultaneous-close', 'FIN_WAIT_1', 'CLOSING', [p(L + 80, 436), p(C, 436), p(C, 516)], 'rcv FIN', 'snd ACK', p(C + 8, 474), 'start'),
  e('close-wait-close', 'CLOSE_WAIT', 'LAST_ACK', [p(R, 456), p(R, 516)], 'CLOSE', 'snd FIN', p(R + 8, 482), 'start'),
  e('fin-wait-2-fin', 'FIN_WAIT_2', 'TIME_WAIT', [p(L, 556), p(L, 626), p(C - 80, 626)], 'rcv FIN', 'snd ACK', p((L + C - 80) / 2, 601), 'middle'),
  e('closing-acked', 'CLOSING', 'TIME_WAIT', [p(C, 556), p(C, 606)], 'rcv ACK of FIN', '', p(C + 8, 585), 'start'),
  e('last-ack-acked', 'LAST_ACK', 'CLOSED_END', [p(R, 556), p(R, 606)], 'rcv ACK of FIN', '', p(R + 8, 585), 'start'),
  e('time-wait-timeout', 'TIME_WAIT', 'CLOSED_END', [p(C + 80, 626), p(R - 80, 626)], 'Timeout=2MSL', 'delete TCB', p((C + R) / 2, 601), 'middle'),
];

export function node(id: NodeId): DiagramNode {
  return NODES.find((x) => x.id === id)!;
}

/** Which CLOSED box an endpoint that became CLOSED sits in: the top one before it ever synchronized. */
export function closedNodeAfter(from: TcpState): NodeId {
  return from === 'SYN_SENT' || from === 'LISTEN' || from === 'CLOSED' ? 'CLOSED' : 'CLOSED_END';
}

export function nodeFor(state: TcpState, cameFrom: TcpState | null): NodeId {
  if (state !== 'CLOSED') return state;
  return cameFrom ? closedNodeAfter(cameFrom) : 'CLOSED';
}

/**
 * The edge a transition takes: an arrow of the figure, or for a move to CLOSED the figure does not draw (a reset
 * from any state, RFC note 3) a straight reset edge to the CLOSED box. null for anything else, which the engine
 * never reports (every transition it reports is an RFC 9293 edge: test/tcp/rfc-edges.test.ts).
 */
export function edgeFor(t: Pick<Transition, 'from' | 'to'>, fromNode: NodeId = t.from): DiagramEdge | null {
  const to = nodeFor(t.to, t.from);
  const hit = EDGES.find((x) => x.from === fromNode && x.to === to) ?? EDGES.find((x) => x.from === t.from && x.to === to);
  if (hit) return hit;
  if (t.to !== 'CLOSED') return null;
  const a = node(fromNode), b = node(to);
  return {
    id: `reset-${t.from}`, from: fromNode, to, reset: true, event: 'RST', action: '', anchor: 'middle',
    points: [border(a, b), border(b, a)], label: p((a.x + b.x) / 2 + 8, (a.y + b.y) / 2),
  };
}

/** Where the segment from a's centre towards b's centre leaves a's box. */
function border(a: DiagramNode, b: DiagramNode): Point {
  const dx = b.x - a.x, dy = b.y - a.y;
  const sx = dx === 0 ? Infinity : (NODE.w / 2) / Math.abs(dx);
  const sy = dy === 0 ? Infinity : (NODE.h / 2) / Math.abs(dy);
  const s = Math.min(sx, sy);
  return p(a.x + dx * s, a.y + dy * s);
}

export function pathD(points: Point[]): string {
  return points.map((q, i) => `${i ? 'L' : 'M'}${q.x} ${q.y}`).join(' ');
}

/** The point a fraction t (0..1) along a polyline. */
export function pointAlong(points: Point[], t: number): Point {
  if (points.length === 1) return points[0];
  const lens: number[] = [];
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const l = Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
    lens.push(l);
    total += l;
  }
  let d = Math.max(0, Math.min(1, t)) * total;
  for (let i = 0; i < lens.length; i++) {
    if (d <= lens[i] || i === lens.length - 1) {
      const f = lens[i] ? d / lens[i] : 0;
      return p(points[i].x + (points[i + 1].x - points[i].x) * f, points[i].y + (points[i + 1].y - points[i].y) * f);
    }
    d -= lens[i];
  }
  return points[points.length - 1];
}

/** A token's resting place on a state's box: client on the left half, server on the right. */
export function tokenHome(id: NodeId, who: 'client' | 'server'): Point {
  const b = node(id);
  return p(b.x + (who === 'client' ? -NODE.w / 2 + 4 : NODE.w / 2 - 4), b.y - NODE.h / 2 + 1);
}

/** A token's path along an edge: from its home on the source box, along the edge, to its home on the target. */
export function tokenPath(edge: DiagramEdge, who: 'client' | 'server'): Point[] {
  return [tokenHome(edge.from, who), ...edge.points, tokenHome(edge.to, who)];
}
