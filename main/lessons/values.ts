// Evaluates a lesson's value expressions against the decoded capture: field values as `decode --jsonl`
// gives them, the engine's states, and a few named derived values (bytes acknowledged, RFC 6298's smoothed
// RTT, …). Anything that cannot be computed throws a ValueError saying why, which `lesson validate`
// reports at the expression's place in the file.
import type { TcpState } from '../engine/types';
import { fieldsNamed, findPattern, describePattern, streamFrames, type LessonCapture, type LessonFrame } from './capture';
import type { FrameRef, ValueExpr } from './schema';

export type Value = number | string;

export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** Where an expression is evaluated: the capture, the lesson's connection, and the frames of its steps. */
export interface EvalContext {
  capture: LessonCapture;
  stream: number;
  /** The frame each step shows (null where none was found). */
  stepFrames: readonly (number | null)[];
  /** The frame of the step being evaluated (what an expression without `frame` means). */
  frame: number;
}

/** The frame a reference names (numbers must exist; steps and patterns must have found one). */
export function resolveFrame(ref: FrameRef | undefined, ctx: EvalContext): number {
  if (ref === undefined) return ctx.frame;
  if (typeof ref === 'number') {
    if (ref > ctx.capture.frames.length) throw new ValueError(`frame ${ref} is not in the capture (${ctx.capture.frames.length} frames)`);
    return ref;
  }
  if ('step' in ref) {
    if (ref.step >= ctx.stepFrames.length) throw new ValueError(`there is no steps[${ref.step}]`);
    const f = ctx.stepFrames[ref.step];
    if (f === null) throw new ValueError(`steps[${ref.step}] has no frame`);
    return f;
  }
  const f = findPattern(ctx.capture, ctx.stream, ref.match);
  if (f === null) throw new ValueError(`no segment in stream ${ctx.stream} is ${describePattern(ref.match)}`);
  return f;
}

function frameAt(n: number, ctx: EvalContext): LessonFrame {
  return ctx.capture.frames[n - 1];
}

/** A field's value as a number where it is one ("0.000041000" → 0.000041; "0x0012" → 18). */
export function numeric(v: Value): number | null {
  if (typeof v === 'number') return v;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (/^0x[0-9a-f]+$/i.test(v)) return parseInt(v, 16);
  return null;
}

function num(v: Value, what: string): number {
  const n = numeric(v);
  if (n === null) throw new ValueError(`${what} is "${v}", not a number`);
  return n;
}

function tcpFrame(n: number, ctx: EvalContext): LessonFrame {
  const f = frameAt(n, ctx);
  if (f.from === null) throw new ValueError(`frame ${n} is not a TCP segment`);
  return f;
}

export function evaluate(e: ValueExpr, ctx: EvalContext): Value {
  if ('const' in e) return e.const;
  if ('field' in e) {
    const n = resolveFrame(e.frame, ctx);
    const found = fieldsNamed(frameAt(n, ctx).decoded, e.field);
    const i = e.occurrence ?? 0;
    if (found.length <= i) throw new ValueError(found.length ? `frame ${n} has ${found.length} ${e.field} field${found.length > 1 ? 's' : ''}, not an occurrence ${i}` : `frame ${n} has no field ${e.field}`);
    const v = found[i].value;
    if (v === null) throw new ValueError(`${e.field} in frame ${n} has no value (a subtree)`);
    return v;
  }
  if ('derived' in e) return derived(e, ctx);
  if ('state' in e) {
    const n = resolveFrame(e.frame, ctx);
    const s = tcpFrame(n, ctx).decoded.states;
    if (!s) throw new ValueError(`frame ${n} has no TCP states`);
    return s[e.state];
  }
  if ('add' in e) return e.add.reduce<number>((sum, x) => sum + num(evaluate(x, ctx), 'a term of add'), 0);
  if ('mul' in e) return e.mul.reduce<number>((p, x) => p * num(evaluate(x, ctx), 'a factor of mul'), 1);
  if ('sub' in e) return num(evaluate(e.sub[0], ctx), 'sub\'s first value') - num(evaluate(e.sub[1], ctx), 'sub\'s second value');
  if ('div' in e) {
    const d = num(evaluate(e.div[1], ctx), 'the divisor');
    if (d === 0) throw new ValueError('division by zero');
    return num(evaluate(e.div[0], ctx), 'the dividend') / d;
  }
  const k = 10 ** (e.digits ?? 0);
  return Math.round(num(evaluate(e.round, ctx), 'the value rounded') * k) / k;
}

type Derived = Extract<ValueExpr, { derived: string }>;

function need<T>(x: T | undefined, what: string, name: string): T {
  if (x === undefined) throw new ValueError(`${name} needs "${what}"`);
  return x;
}

function derived(e: Derived, ctx: EvalContext): Value {
  const n = resolveFrame(e.frame, ctx);
  switch (e.derived) {
    case 'sender':
      return tcpFrame(n, ctx).from as string;
    case 'flags':
      return tcpFrame(n, ctx).flags as string;
    case 'bytes_acked': {
      const f = tcpFrame(n, ctx);
      const ack = ackOf(n, ctx);
      if (ack === null) throw new ValueError(`frame ${n} carries no ACK`);
      let before = 0;
      for (const m of streamFrames(ctx.capture, f.decoded.stream as number)) {
        if (m >= n) break;
        if (frameAt(m, ctx).from === f.from) before = Math.max(before, ackOf(m, ctx) ?? before);
      }
      return ack - before;
    }
    case 'segments': {
      const [a, b] = span(n, resolveFrame(need(e.to, 'to', 'segments'), ctx));
      return streamFrames(ctx.capture, streamOf(n, ctx)).filter((m) => m >= a && m <= b).length;
    }
    case 'payload_bytes': {
      const [a, b] = span(n, resolveFrame(need(e.to, 'to', 'payload_bytes'), ctx));
      let sum = 0;
      for (const m of streamFrames(ctx.capture, streamOf(n, ctx))) {
        const f = frameAt(m, ctx);
        if (m >= a && m <= b && (e.of === undefined || f.from === e.of)) sum += f.len;
      }
      return sum;
    }
    case 'time_ms': {
      const to = resolveFrame(need(e.to, 'to', 'time_ms'), ctx);
      return (frameAt(to, ctx).time - frameAt(n, ctx).time) * 1000;
    }
    case 'sample_rtt_ms': {
      const rtt = fieldsNamed(frameAt(n, ctx).decoded, 'tcp.analysis.ack_rtt')[0];
      if (!rtt || rtt.value === null) throw new ValueError(`frame ${n} has no tcp.analysis.ack_rtt (it acknowledges no earlier segment)`);
      return num(rtt.value, 'tcp.analysis.ack_rtt') * 1000;
    }
    case 'estimated_rtt_ms': {
      // RFC 6298: the first sample R gives SRTT = R; each next one SRTT = 7/8 SRTT + 1/8 R.
      const of = e.of ?? 'client';
      let srtt: number | null = null;
      for (const m of streamFrames(ctx.capture, streamOf(n, ctx))) {
        if (m > n) break;
        const f = frameAt(m, ctx);
        if (f.from === of) continue;
        const rtt = fieldsNamed(f.decoded, 'tcp.analysis.ack_rtt')[0];
        if (!rtt || rtt.value === null) continue;
        const r = num(rtt.value, 'tcp.analysis.ack_rtt') * 1000;
        srtt = srtt === null ? r : srtt + (r - srtt) / 8;
      }
      if (srtt === null) throw new ValueError(`no ACK up to frame ${n} gives an RTT sample of the ${of}'s segments`);
      return srtt;
    }
    case 'first_to': {
      const state = need(e.state, 'state', 'first_to');
      for (const m of streamFrames(ctx.capture, streamOf(n, ctx))) {
        const s = frameAt(m, ctx).decoded.states;
        if (!s) continue;
        const c = s.client === state, v = s.server === state;
        if (c || v) return c && v ? 'both' : c ? 'client' : 'server';
      }
      return 'none';
    }
    case 'endpoints_in': {
      const state: TcpState = need(e.state, 'state', 'endpoints_in');
      const s = tcpFrame(n, ctx).decoded.states!;
      const c = s.client === state, v = s.server === state;
      return c && v ? 'both' : c ? 'client' : v ? 'server' : 'none';
    }
  }
}

function streamOf(n: number, ctx: EvalContext): number {
  const s = frameAt(n, ctx).decoded.stream;
  if (s === null) throw new ValueError(`frame ${n} is not a TCP segment`);
  return s;
}

function span(a: number, b: number): [number, number] {
  if (b < a) throw new ValueError(`"to" (frame ${b}) comes before frame ${a}`);
  return [a, b];
}

/** The relative Ack of a segment with the ACK flag (null without it). */
function ackOf(n: number, ctx: EvalContext): number | null {
  const f = frameAt(n, ctx);
  if (!f.flags?.split(', ').includes('ACK')) return null;
  const ack = fieldsNamed(f.decoded, 'tcp.ack')[0];
  return ack && ack.value !== null ? num(ack.value, 'tcp.ack') : null;
}

/** Equal as answers: numbers by value (a field's "0.5" equals 0.5), texts exactly. */
export function sameValue(a: Value, b: Value): boolean {
  const x = numeric(a), y = numeric(b);
  if (x !== null && y !== null) return x === y;
  return String(a) === String(b);
}
