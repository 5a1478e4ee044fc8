// The RFC 9293 (section 3.3.2) TCP connection state diagram, laid out as the RFC draws it: CLOSED at the top,
// the opening states, ESTABLISHED in the middle, the closing states below, and CLOSED drawn again at the
// bottom right where a closed connection ends. Edges are orthogonal polylines so tokens can travel along them.
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
  /** Drawn only when taken (aborts, mid-stream pick-ups): not part of the RFC's figure. */
  dynamic?: boolean;
}

export const VIEW = { width: 820, height: 830 };
export const NODE = { w: 156, h: 44 };

const n = (id: NodeId, x: number, y: number): DiagramNode => ({ id, state: id === 'CLOSED_END' ? 'CLOSED' : id, x, y });

export const NODES: DiagramNode[] = [
  n('CLOSED', 400, 50), n('LISTEN', 400, 170), n('SYN_RECEIVED', 130, 300), n('SYN_SENT', 670, 300),
  n('ESTABLISHED', 400, 420), n('FIN_WAIT_1', 130, 540), n('CLOSE_WAIT', 670, 540), n('FIN_WAIT_2', 130, 670),
  n('CLOSING', 400, 670), n('LAST_ACK', 670, 670), n('TIME_WAIT', 400, 790), n('CLOSED_END', 670, 790),
];

const p = (x: number, y: number): Point => ({ x, y });
const e = (id: string, from: NodeId, to: NodeId, points: Point[], event: string, action: string, label: Point, anchor: DiagramEdge['anchor']): DiagramEdge =>
  ({ id, from, to, points, event, action, label, anchor });

export const EDGES: DiagramEdge[] = [
  e('passive-open', 'CLOSED', 'LISTEN', [p(370, 72), p(370, 148)], 'passive OPEN', 'create TCB', p(362, 104), 'end'),
  e('listen-close', 'LISTEN', 'CLOSED', [p(430, 148), p(430, 72)], 'CLOSE', 'delete TCB', p(438, 104), 'start'),
  e('active-open', 'CLOSED', 'SYN_SENT', [p(478, 40), p(725, 40), p(725, 278)], 'active OPEN', 'snd SYN', p(733, 150), 'start'),
  e('syn-sent-close', 'SYN_SENT', 'CLOSED', [p(650, 278), p(650, 60), p(478, 60)], 'CLOSE', 'delete TCB', p(560, 86), 'middle'),
  e('listen-send', 'LISTEN', 'SYN_SENT', [p(478, 180), p(612, 180), p(612, 278)], 'SEND', 'snd SYN', p(545, 203), 'middle'),
  e('rcv-syn', 'LISTEN', 'SYN_RECEIVED', [p(322, 180), p(160, 180), p(160, 278)], 'rcv SYN', 'snd SYN,ACK', p(245, 203), 'middle'),
  e('syn-rcvd-rst', 'SYN_RECEIVED', 'LISTEN', [p(100, 278), p(100, 158), p(322, 158)], 'rcv RST', '', p(215, 150), 'middle'),
  e('simultaneous-open', 'SYN_SENT', 'SYN_RECEIVED', [p(592, 300), p(208, 300)], 'rcv SYN', 'snd SYN,ACK', p(400, 288), 'middle'),
  e('rcv-ack-of-syn', 'SYN_RECEIVED', 'ESTABLISHED', [p(160, 322), p(160, 410), p(322, 410)], 'rcv ACK of SYN', '', p(241, 400), 'middle'),
  e('syn-rcvd-close', 'SYN_RECEIVED', 'FIN_WAIT_1', [p(90, 322), p(90, 518)], 'CLOSE', 'snd FIN', p(82, 415), 'end'),
  e('rcv-syn-ack', 'SYN_SENT', 'ESTABLISHED', [p(640, 322), p(640, 410), p(478, 410)], 'rcv SYN,ACK', 'snd ACK', p(559, 372), 'middle'),
  e('active-close', 'ESTABLISHED', 'FIN_WAIT_1', [p(322, 432), p(185, 432), p(185, 518)], 'CLOSE', 'snd FIN', p(255, 456), 'middle'),
  e('passive-close', 'ESTABLISHED', 'CLOSE_WAIT', [p(478, 432), p(615, 432), p(615, 518)], 'rcv FIN', 'snd ACK', p(545, 456), 'middle'),
  e('fin-acked-1', 'FIN_WAIT_1', 'FIN_WAIT_2', [p(130, 562), p(130, 648)], 'rcv ACK of FIN', '', p(138, 608), 'start'),
  e('simultaneous-close', 'FIN_WAIT_1', 'CLOSING', [p(208, 540), p(400, 540), p(400, 648)], 'rcv FIN', 'snd ACK', p(408, 590), 'start'),
  e('close-wait-close', 'CLOSE_WAIT', 'LAST_ACK', [p(670, 562), p(670, 648)], 'CLOSE', 'snd FIN', p(678, 600), 'start'),
  e('fin-wait-2-fin', 'FIN_WAIT_2', 'TIME_WAIT', [p(130, 692), p(130, 790), p(322, 790)], 'rcv FIN', 'snd ACK', p(226, 768), 'middle'),
  e('closing-acked', 'CLOSING', 'TIME_WAIT', [p(400, 692), p(400, 768)], 'rcv ACK of FIN', '', p(408, 734), 'start'),
  e('last-ack-acked', 'LAST_ACK', 'CLOSED_END', [p(670, 692), p(670, 768)], 'rcv ACK of FIN', '', p(678, 734), 'start'),
  e('time-wait-timeout', 'TIME_WAIT', 'CLOSED_END', [p(478, 790), p(592, 790)], 'Timeout=2MSL', 'delete TCB', p(535, 770), 'middle'),
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

/** The edge a transition takes; a dashed straight edge for moves the RFC figure does not draw (RST aborts…). */
export function edgeFor(t: Pick<Transition, 'from' | 'to'>, fromNode: NodeId = t.from): DiagramEdge {
  const to = nodeFor(t.to, t.from);
  const hit = EDGES.find((x) => x.from === fromNode && x.to === to) ?? EDGES.find((x) => x.from === t.from && x.to === to);
  if (hit) return hit;
  const a = node(fromNode), b = node(to);
  return {
    id: `dyn-${t.from}-${t.to}`, from: fromNode, to, dynamic: true, event: '', action: '', anchor: 'middle',
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
  return p(b.x + (who === 'client' ? -NODE.w / 2 + 2 : NODE.w / 2 - 2), b.y - NODE.h / 2 + 2);
}

/** A token's path along an edge: from its home on the source box, along the edge, to its home on the target. */
export function tokenPath(edge: DiagramEdge, who: 'client' | 'server'): Point[] {
  return [tokenHome(edge.from, who), ...edge.points, tokenHome(edge.to, who)];
}
