// What would give a question's answer away on screen before it is answered, computed from the question
// and the capture: the values it asks (a field of a frame, an endpoint's state from the frame it entered
// it on, an RTT sample or estimate), whole segments (who sent one, its flags, the order of several) and,
// for a bytes question, where a frame's fields sit. The back end sends this with an open question; the
// page masks exactly these (renderer/src/lib/reveal.ts), on top of the back end sending nothing after the
// question's segment. Derived values the student is meant to work out (bytes acknowledged, a time
// difference, a sum of lengths) expose nothing: their inputs stay on screen.
import { streamFrames, type LessonCapture } from './capture';
import { resolveSteps, stepContext } from './answers';
import type { LessonFile, Question, ValueExpr } from './schema';
import { resolveFrame, ValueError, type EvalContext } from './values';
import { restatements } from './restated';

/** The graphs' series (getSeries kinds, and `srtt`: the RTT graph's smoothed estimate). */
export type SeriesName = 'stevens' | 'throughput' | 'window' | 'rtt' | 'srtt';

export interface Exposure {
  /** Segments shown only as "a segment": who sent it, its flags and its values hidden. */
  frames: number[];
  /** A field's value in a frame, wherever it is printed (tree, Info, the ladder's label, its bytes). */
  fields: { frame: number; field: string }[];
  /** An endpoint's state after each frame from `from` on (0: its state before the connection's first frame too). */
  states: { endpoint: 'client' | 'server'; from: number }[];
  /** Frames whose fields do not say where their bytes are (finding them is the question). */
  byteLinks: number[];
  /** Points of the graphs at a frame. */
  series: { name: SeriesName; frame: number }[];
}

export const NO_EXPOSURE: Exposure = { frames: [], fields: [], states: [], byteLinks: [], series: [] };

/**
 * Fields that show the asked one's value by themselves (the raw form of a relative number and back; the
 * next sequence number is Seq + Len, Len being on screen). Kept short: what a student works out from
 * what is shown is the point of the question.
 */
const SHOWS_TOO: Record<string, string[]> = {
  'tcp.seq': ['tcp.seq_raw', 'tcp.nxtseq'],
  'tcp.seq_raw': ['tcp.seq', 'tcp.nxtseq'],
  'tcp.ack': ['tcp.ack_raw'],
  'tcp.ack_raw': ['tcp.ack'],
  // The captured length is the frame's length unless the capture cut the frame short.
  'frame.len': ['frame.cap_len'],
  // Seq + Len, and the bytes sent so far when the segment is the first in flight.
  'tcp.len': ['tcp.nxtseq', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.push_bytes_sent'],
  // The raw Window field is the window itself unless it is scaled (a SYN's never is).
  'tcp.window_size': ['tcp.window_size_value'],
  'tcp.window_size_value': ['tcp.window_size'],
  'tcp.window_size_scalefactor': ['tcp.options.wscale.multiplier'],
  'tcp.options.wscale.multiplier': ['tcp.window_size_scalefactor'],
  // The handshake's RTT is the time from the SYN, the stream's first segment, to the client's ACK.
  'tcp.analysis.initial_rtt': ['tcp.time_relative'],
  // An RTT sample is often the time since the segment just before.
  'tcp.analysis.ack_rtt': ['tcp.time_delta', 'frame.time_delta', 'frame.time_delta_displayed'],
};

/** Graphs that plot a field: its point there is the value (the Stevens bar ends at the next sequence number). */
const FIELD_SERIES: Record<string, SeriesName> = {
  'tcp.seq': 'stevens', 'tcp.seq_raw': 'stevens', 'tcp.nxtseq': 'stevens', 'tcp.window_size': 'window', 'tcp.analysis.ack_rtt': 'rtt',
};

class Collector {
  readonly out: Exposure = { frames: [], fields: [], states: [], byteLinks: [], series: [] };
  constructor(readonly ctx: EvalContext) {}

  frame(n: number): void {
    if (!this.out.frames.includes(n)) this.out.frames.push(n);
  }

  field(frame: number, field: string): void {
    for (const name of [field, ...(SHOWS_TOO[field] ?? [])]) this.shows(frame, name);
    // Other frames that print the same number (restated.ts): an Ack's acknowledged segment, a Seq's predecessor.
    for (const r of restatements(this.ctx.capture, frame, field)) this.shows(r.frame, r.field);
  }

  /** A field of a frame that shows the asked value: masked, with its graph point. */
  private shows(frame: number, name: string): void {
    if (!this.out.fields.some((f) => f.frame === frame && f.field === name)) this.out.fields.push({ frame, field: name });
    const s = FIELD_SERIES[name];
    if (s) this.series(s, frame);
  }

  state(endpoint: 'client' | 'server', from: number): void {
    const had = this.out.states.find((s) => s.endpoint === endpoint);
    if (had) had.from = Math.min(had.from, from);
    else this.out.states.push({ endpoint, from });
  }

  series(name: SeriesName, frame: number): void {
    if (!this.out.series.some((s) => s.name === name && s.frame === frame)) this.out.series.push({ name, frame });
  }

  byteLinks(n: number): void {
    if (!this.out.byteLinks.includes(n)) this.out.byteLinks.push(n);
  }

  /** The first frame of the run of frames after which `endpoint` is in the state it is in after frame n. */
  runStart(endpoint: 'client' | 'server', n: number): number {
    const f = this.ctx.capture.frames[n - 1];
    const stream = f.decoded.stream;
    const state = f.decoded.states?.[endpoint];
    if (stream === null || !state) return n;
    const frames = streamFrames(this.ctx.capture, stream);
    let from = n;
    for (let k = frames.indexOf(n) - 1; k >= 0; k--) {
      if (this.ctx.capture.frames[frames[k] - 1].decoded.states?.[endpoint] !== state) return from;
      from = frames[k];
    }
    // Back to the connection's first segment: the state it started in (drawn before it) may be the same.
    const first = this.ctx.capture.frames[frames[0] - 1].decoded;
    const start = first.transitions?.find((t) => t.endpoint === endpoint)?.from ?? first.states?.[endpoint];
    return start === state ? 0 : from;
  }

  /** The first frame of the connection after which either endpoint is in `state` (null: never). */
  firstIn(state: string, n: number): number | null {
    const stream = this.ctx.capture.frames[n - 1].decoded.stream;
    if (stream === null) return null;
    for (const m of streamFrames(this.ctx.capture, stream)) {
      const s = this.ctx.capture.frames[m - 1].decoded.states;
      if (s && (s.client === state || s.server === state)) return m;
    }
    return null;
  }

  value(e: ValueExpr): void {
    if ('const' in e) return;
    if ('add' in e) return e.add.forEach((x) => this.value(x));
    if ('mul' in e) return e.mul.forEach((x) => this.value(x));
    if ('sub' in e) return e.sub.forEach((x) => this.value(x));
    if ('div' in e) return e.div.forEach((x) => this.value(x));
    if ('round' in e) return this.value(e.round);
    const n = resolveFrame(e.frame, this.ctx);
    if ('field' in e) return this.field(n, e.field);
    if (!('derived' in e)) return this.state(e.state, this.runStart(e.state, n));
    switch (e.derived) {
      case 'sender':
      case 'flags':
        return this.frame(n);
      case 'sample_rtt_ms':
        return this.field(n, 'tcp.analysis.ack_rtt');
      case 'estimated_rtt_ms':
        return this.series('srtt', n);
      case 'endpoints_in':
        this.state('client', this.runStart('client', n));
        return this.state('server', this.runStart('server', n));
      case 'first_to': {
        const from = Math.min(n, this.firstIn(e.state ?? '', n) ?? n);
        this.state('client', from);
        return this.state('server', from);
      }
      case 'time_ms':
        return this.timeBetween(n, resolveFrame(e.to, this.ctx));
      // Worked out from what is on screen: nothing shows them by themselves.
      case 'bytes_acked':
      case 'segments':
      case 'payload_bytes':
        return;
    }
  }

  /** Times from `a` to `b` that the tree prints by themselves at `b` (the answer is their difference). */
  timeBetween(a: number, b: number): void {
    const stream = this.ctx.capture.frames[b - 1].decoded.stream;
    const frames = stream === null ? [] : streamFrames(this.ctx.capture, stream);
    const k = frames.indexOf(b);
    if (k > 0 && frames[k - 1] === a) this.field(b, 'tcp.time_delta');
    if (frames[0] === a) this.field(b, 'tcp.time_relative');
    if (a === b - 1) { this.field(b, 'frame.time_delta'); this.field(b, 'frame.time_delta_displayed'); }
    if (a === 1) this.field(b, 'frame.time_relative');
  }

  question(q: Question): void {
    switch (q.kind) {
      case 'state': {
        const n = resolveFrame(q.frame, this.ctx);
        return this.state(q.endpoint, this.runStart(q.endpoint, n));
      }
      case 'number':
        return this.value(q.value);
      case 'bytes': {
        const n = resolveFrame(q.frame, this.ctx);
        this.byteLinks(n);
        // The value itself may stay: where its bytes are is the question.
        return;
      }
      case 'order':
        return q.items.forEach((it) => this.frame(resolveFrame(it.frame, this.ctx)));
      case 'choice':
        if (q.value && !q.conceptual) this.value(q.value);
        return;
    }
  }
}

/** What step `step`'s question would give away (nothing when it asks none or cannot be resolved here). */
export function exposureOf(lesson: LessonFile, step: number, capture: LessonCapture): Exposure {
  const q = lesson.steps[step]?.question;
  if (!q || resolveSteps(lesson, capture)[step]?.frame == null) return NO_EXPOSURE;
  const c = new Collector(stepContext(lesson, step, capture));
  try {
    c.question(q);
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
  }
  return c.out;
}

/** Several questions' exposures as one (the page masks what any unanswered question would give away). */
export function mergeExposures(list: readonly Exposure[]): Exposure {
  const out: Exposure = { frames: [], fields: [], states: [], byteLinks: [], series: [] };
  for (const x of list) {
    for (const n of x.frames) if (!out.frames.includes(n)) out.frames.push(n);
    for (const f of x.fields) if (!out.fields.some((g) => g.frame === f.frame && g.field === f.field)) out.fields.push(f);
    for (const s of x.states) {
      const had = out.states.find((t) => t.endpoint === s.endpoint);
      if (had) had.from = Math.min(had.from, s.from);
      else out.states.push({ ...s });
    }
    for (const n of x.byteLinks) if (!out.byteLinks.includes(n)) out.byteLinks.push(n);
    for (const s of x.series) if (!out.series.some((t) => t.name === s.name && t.frame === s.frame)) out.series.push(s);
  }
  return out;
}

/** The first frame an exposure touches (null: none). Filtered views stop before it while it is masked. */
export function firstExposed(x: Exposure): number | null {
  const all = [...x.frames, ...x.fields.map((f) => f.frame), ...x.states.map((s) => s.from), ...x.byteLinks, ...x.series.map((s) => s.frame)];
  return all.length ? Math.min(...all) : null;
}


/**
 * An exposure as a page held at frame `last` needs it: only what touches frames up to `last` (null: all).
 * The page is sent nothing after `last`, so the rest masks nothing it has; sent, it would name the frames
 * later questions ask about (a segment's frame number says how many come before it).
 */
export function exposureUpTo(x: Exposure, last: number | null): Exposure {
  if (last === null) return x;
  return {
    frames: x.frames.filter((n) => n <= last),
    fields: x.fields.filter((f) => f.frame <= last),
    states: x.states.filter((s) => s.from <= last),
    byteLinks: x.byteLinks.filter((n) => n <= last),
    series: x.series.filter((s) => s.frame <= last),
  };
}
