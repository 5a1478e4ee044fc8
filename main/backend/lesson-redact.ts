// What an open question would give away, taken out on the server (DECISIONS "Grading"): the page masks
// what a question's Exposure covers, but a student's browser must not be sent it in the first place. Each
// function here redacts one kind of answer with the same rules the page uses (main/lessons/reveal.ts), so
// what a session receives while a question is open already reads MASK where the page would mask it:
// rows (Info, states, length), a frame's detail (tree items, titles, expert notes, the masked fields'
// bytes; a whole-masked segment keeps nothing but its size), ladder segments, connection summaries,
// graph points, state changes and an experiment's calls. lesson-gate.ts applies them with the gate's cut.
import type { ConnectionSummary, ExperimentEvent, FrameDetail, FrameRow, LadderPage, LadderSegment, Series } from '../api/types';
import type { EndpointStates, Field, Layer, TcpState, Transition } from '../engine/types';
import type { Reveal } from '../lessons/reveal';
import { MASK, maskedLabel } from '../lessons/reveal';

const HIDDEN = MASK as TcpState;
const ENDS = ['client', 'server'] as const;

/** An endpoint pair's states with the masked ones as MASK (after frame `frame`; 0: before the connection). */
function states<S extends EndpointStates>(x: Reveal, frame: number, s: S): S {
  if (!ENDS.some((e) => x.stateMasked(e, frame))) return s;
  const out = { ...s };
  for (const e of ENDS) if (x.stateMasked(e, frame)) out[e] = HIDDEN;
  return out;
}

/** State changes at a frame, without those of an endpoint whose state there is masked. */
function transitions(x: Reveal, frame: number, list: Transition[]): Transition[] {
  return list.filter((t) => !x.stateMasked(t.endpoint, frame));
}

export function redactRow(x: Reveal, r: FrameRow): FrameRow {
  if (!x.active) return r;
  const n = r.number;
  if (x.frameMasked(n)) {
    return { ...r, src: MASK, dst: MASK, protocol: MASK, length: 0, info: MASK, analysis: [], malformed: false, states: r.states ? { client: HIDDEN, server: HIDDEN } : null };
  }
  const timeHidden = x.fieldMasked(n, 'frame.time_relative');
  return {
    ...r,
    info: x.text(n, r.info),
    analysis: flags(x, n, r.analysis),
    length: x.fieldMasked(n, 'frame.len') ? 0 : r.length,
    ...(timeHidden ? { time: 0, timeText: MASK } : {}),
    states: r.states ? states(x, n, r.states) : null,
  };
}

export function redactRows(x: Reveal, rows: FrameRow[]): FrameRow[] {
  return x.active ? rows.map((r) => redactRow(x, r)) : rows;
}

/**
 * Where a frame's fields say their bytes are: all, none (a bytes question is open on it), or only the masked
 * ones' (the layer's place would say a masked length; the page still marks the masked bytes as MASK).
 */
type Links = 'all' | 'none' | 'masked';

/** A tree item and its children as the page may see them (`hide`: an ancestor's value is masked). */
function redactField(x: Reveal, frame: number, f: Field, hide: boolean, links: Links): Field {
  const masked = hide || x.fieldMasked(frame, f.name);
  const placed = links === 'all' || (links === 'masked' && masked);
  return {
    ...f,
    value: masked ? null : f.value,
    display: masked ? maskedLabel(f.display) : x.text(frame, f.display),
    ...(placed ? {} : { offset: 0, length: 0 }),
    children: kept(x, frame, f.children).map((c) => redactField(x, frame, c, masked, links)),
  };
}

/**
 * Items without those left out (Reveal.dropped), and without the expert note or the "[TCP Analysis Flags]"
 * that held only them (an empty one would still say a flag was there).
 */
function kept(x: Reveal, frame: number, fs: Field[]): Field[] {
  if (!fs.some((f) => holdsDropped(x, frame, f))) return fs;
  return fs.filter((f) => {
    if (x.dropped(frame, f.name)) return false;
    if (f.name === '_ws.expert' && f.children.some((c) => x.dropped(frame, c.name))) return false;
    if (f.name === 'tcp.analysis.flags' && f.children.length > 0 && kept(x, frame, f.children).length === 0) return false;
    return true;
  });
}

function holdsDropped(x: Reveal, frame: number, f: Field): boolean {
  return x.dropped(frame, f.name) || f.children.some((c) => holdsDropped(x, frame, c));
}

/** Analysis flags (tcp.analysis.FLAG) without the masked ones. */
function flags<T extends string>(x: Reveal, frame: number, list: T[]): T[] {
  return list.some((a) => x.fieldMasked(frame, `tcp.analysis.${a}`)) ? list.filter((a) => !x.fieldMasked(frame, `tcp.analysis.${a}`)) : list;
}

/** Hex digits with the bytes at `offsets` zeroed. */
function zeroed(hex: string, offsets: Iterable<number>): string {
  const chars = hex.split('');
  for (const i of offsets) if (2 * i + 1 < chars.length) { chars[2 * i] = '0'; chars[2 * i + 1] = '0'; }
  return chars.join('');
}

/** Where the masked fields' bytes are: per buffer (0: the frame's own bytes, k: sources[k - 1]). */
function maskedBytes(x: Reveal, frame: number, layers: Layer[]): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  const walk = (fs: Field[], source: number, hide: boolean) => {
    for (const f of fs) {
      const src = f.source ?? source;
      const masked = hide || x.fieldMasked(frame, f.name);
      if (masked && f.length > 0) {
        let set = out.get(src);
        if (!set) out.set(src, (set = new Set()));
        for (let i = f.offset; i < f.offset + f.length; i++) set.add(i);
      }
      walk(f.children, src, masked);
    }
  };
  for (const l of layers) walk(l.fields, l.source ?? 0, false);
  return out;
}

/** Lengths a TCP layer's place tells (its own length is the header's; where the next one starts, the payload's). */
const TCP_LENGTHS = ['tcp.hdr_len', 'tcp.len', 'data.len'];

export function redactDetail(x: Reveal, d: FrameDetail): FrameDetail {
  if (!x.active) return d;
  const f = d.frame;
  const n = f.frame;
  const zeros = (hex: string) => '0'.repeat(hex.length);
  if (x.frameMasked(n)) {
    // "A segment": who sent it, its flags and its values hidden; only its size stays (the page shows its bytes as MASK).
    return {
      frame: {
        ...f, layers: [], info: MASK, src: MASK, dst: MASK, protocol: MASK, analysis: [], malformed: false, expert: [],
        states: f.states ? { client: HIDDEN, server: HIDDEN } : null, transitions: f.transitions ? [] : null,
        ...(f.notes ? { notes: [] } : {}), ...(f.start ? { start: states(x, 0, f.start) } : {}),
      },
      bytes: zeros(d.bytes),
      ...(d.sourceBytes ? { sourceBytes: d.sourceBytes.map(zeros) } : {}),
    };
  }
  const noLinks = x.linksMasked(n);
  // Where a layer starts and how long it is would say a masked length: the frame's (its last layer's end),
  // the TCP header's (the TCP layer's length, where the next one starts), the payload's. Those layers go
  // without positions (the layers view shows them unhighlighted), and so do their fields.
  const frameLen = x.fieldMasked(n, 'frame.len') || x.fieldMasked(n, 'frame.cap_len');
  const tcpAt = TCP_LENGTHS.some((name) => x.fieldMasked(n, name)) ? f.layers.findIndex((l) => l.protocol === 'tcp') : -1;
  const from = frameLen ? 0 : tcpAt >= 0 ? tcpAt : f.layers.length;
  const layers = f.layers.map((l, i) => ({
    ...l, title: x.text(n, l.title), fields: kept(x, n, l.fields).map((c) => redactField(x, n, c, false, noLinks ? 'none' : i >= from ? 'masked' : 'all')),
    ...(i >= from ? { offset: 0, length: 0 } : {}),
  }));
  const hiddenBytes = maskedBytes(x, n, f.layers);
  return {
    frame: {
      ...f, layers, info: x.text(n, f.info), ...(frameLen ? { len: 0, caplen: 0 } : {}),
      analysis: flags(x, n, f.analysis),
      expert: f.expert.filter((e) => !(e.field && x.dropped(n, e.field))).map((e) => ({ ...e, message: x.text(n, e.message) })),
      states: f.states ? states(x, n, f.states) : null,
      transitions: f.transitions ? transitions(x, n, f.transitions) : null,
      ...(f.notes ? { notes: f.notes.filter((t) => !x.stateMasked(t.endpoint, n)) } : {}),
      ...(f.start ? { start: states(x, 0, f.start) } : {}),
    },
    bytes: zeroed(d.bytes, hiddenBytes.get(0) ?? []),
    ...(d.sourceBytes ? { sourceBytes: d.sourceBytes.map((h, i) => zeroed(h, hiddenBytes.get(i + 1) ?? [])) } : {}),
  };
}

/** The numbers a ladder segment carries, by the field that prints each. */
const SEGMENT_FIELDS: [keyof LadderSegment, string][] = [
  ['seq', 'tcp.seq'], ['seqRaw', 'tcp.seq_raw'], ['ack', 'tcp.ack'], ['ackRaw', 'tcp.ack_raw'], ['len', 'tcp.len'], ['window', 'tcp.window_size'],
];

export function redactSegment(x: Reveal, s: LadderSegment): LadderSegment {
  if (!x.active) return s;
  const n = s.frame;
  if (x.frameMasked(n)) {
    return {
      ...s, direction: 'c2s', flags: 0, seq: 0, ack: 0, seqRaw: 0, ackRaw: 0, len: 0, window: 0, analysis: [], label: MASK, info: MASK,
      states: { client: HIDDEN, server: HIDDEN }, transitions: [], ...(s.notes ? { notes: [] } : {}),
    };
  }
  const out: LadderSegment = { ...s, label: x.text(n, s.label), info: x.text(n, s.info), analysis: flags(x, n, s.analysis), states: states(x, n, s.states), transitions: transitions(x, n, s.transitions) };
  for (const [key, field] of SEGMENT_FIELDS) if (x.fieldMasked(n, field)) (out as unknown as Record<string, number>)[key] = 0;
  if (s.notes) out.notes = s.notes.filter((t) => !x.stateMasked(t.endpoint, n));
  return out;
}

/** A connection's summary: its states after its last frame sent, and its start, as far as they are not masked. */
export function redactSummary(x: Reveal, c: ConnectionSummary): ConnectionSummary {
  if (!x.active) return c;
  // The handshake's RTT is tcp.analysis.initial_rtt, which the client's ACK carries.
  const rttHidden = x.fieldAnywhere('tcp.analysis.initial_rtt');
  return { ...c, states: states(x, c.lastFrame, c.states), startStates: states(x, 0, c.startStates), ...(rttHidden ? { handshakeRtt: null } : {}) };
}

export function redactSummaries(x: Reveal, list: ConnectionSummary[]): ConnectionSummary[] {
  return x.active ? list.map((c) => redactSummary(x, c)) : list;
}

export function redactLadder(x: Reveal, page: LadderPage): LadderPage {
  if (!x.active) return page;
  return { ...page, summary: redactSummary(x, page.summary), segments: page.segments.map((s) => redactSegment(x, s)), events: redactCalls(x, page.events) };
}

/** An experiment's calls without those tied to a whole-masked segment (a connect() says who sent the SYN). */
export function redactCalls(x: Reveal, events: ExperimentEvent[]): ExperimentEvent[] {
  return x.active ? events.filter((e) => e.frame === null || !x.frameMasked(e.frame)) : events;
}

/**
 * Graph points without those that plot a masked value (Reveal.pointMasked; their marks follow the kept
 * points), and without the marks whose presence says a masked value (Reveal.dropped: a duplicate ACK's
 * while its Ack is asked, a zero window's while its window is).
 */
export function redactSeries(x: Reveal, list: Series[]): Series[] {
  if (!x.active) return list;
  return list.map((s) => {
    const kept = keepPoints(s, s.frames.map((f) => !x.pointMasked(s.kind, f)));
    if (!kept.marks) return kept;
    const marks = kept.marks.filter((m) => !x.dropped(kept.frames[m.index], `tcp.analysis.${m.kind}`));
    const { marks: _all, ...rest } = kept;
    return marks.length ? { ...rest, marks } : rest;
  });
}

/**
 * A series with only the points `keep` says (its marks moved onto the kept points' indexes). No marks list
 * when none is left: an empty one would say a point taken out had a mark (a masked retransmission).
 */
export function keepPoints(s: Series, keep: boolean[]): Series {
  if (keep.every(Boolean)) return s;
  const pick = <T>(xs: T[]) => xs.filter((_, i) => keep[i]);
  const marks = (s.marks ?? []).filter((m) => keep[m.index]).map((m) => ({ ...m, index: keptBefore(keep, m.index) }));
  const { marks: _all, ...rest } = s;
  return {
    ...rest, x: pick(s.x), y: pick(s.y), frames: pick(s.frames),
    ...(s.smoothed ? { smoothed: pick(s.smoothed) } : {}),
    ...(s.upper ? { upper: pick(s.upper) } : {}),
    ...(marks.length ? { marks } : {}),
    // The store's series carry RTTVAR too.
    ...('variation' in s && Array.isArray(s.variation) ? { variation: pick(s.variation as number[]) } : {}),
  };
}

/** The index a kept point has once the points before it that were not kept are gone. */
function keptBefore(keep: boolean[], index: number): number {
  let n = 0;
  for (let i = 0; i < index; i++) if (keep[i]) n++;
  return n;
}
