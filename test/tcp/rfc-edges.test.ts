// Every state change the engine reports is an arrow of RFC 9293's state diagram (or a move to CLOSED, which
// any state may make: DECISIONS), on every corpus capture, on the fuzz corpus (test/helpers/fuzz.ts, the
// fuzz test's own inputs: random frames, truncations and bit flips of every corpus frame, damaged whole
// files through the reader) and on random conversations; and the reports chain: each endpoint
// starts in the connection's start state, each transition leaves the state the previous one reached, and
// the states after a frame are where its transitions end. The arrows are transcribed here from the RFC's
// figure, not taken from state-machine.ts, so a wrong arrow there fails this test.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../main/engine/decoder';
import { CaptureReader } from '../../main/engine/io/reader';
import { CaptureFormatError } from '../../main/engine/io/errors';
import { TcpTracker } from '../../main/engine/tcp/tracker';
import { StateTracker, type StateReport } from '../../main/engine/tcp/states';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type DecodedFrame, type RawFrame, type TcpSegment, type TcpState } from '../../main/engine/types';
import { corpusFiles, NOT_CAPTURES, rawFramesLenient } from '../helpers/corpus';
import { damagedFiles, fuzzedFrames, randomFrames, type DamagedFile } from '../helpers/fuzz';

// RFC 9293 §3.3.2, Figure 5 (TCP Connection State Diagram), arrow by arrow with its label:
//
//   CLOSED ──passive OPEN / create TCB──▶ LISTEN ──CLOSE / delete TCB──▶ CLOSED
//   CLOSED ──active OPEN / create TCB, snd SYN──▶ SYN-SENT ──CLOSE / delete TCB──▶ CLOSED
//   LISTEN ──rcv SYN / snd SYN,ACK──▶ SYN-RCVD        LISTEN ──SEND / snd SYN──▶ SYN-SENT
//   SYN-SENT ──rcv SYN / snd SYN,ACK──▶ SYN-RCVD      SYN-SENT ──rcv SYN,ACK / snd ACK──▶ ESTAB
//   SYN-RCVD ──rcv ACK of SYN──▶ ESTAB                SYN-RCVD ──CLOSE / snd FIN──▶ FIN-WAIT-1
//   SYN-RCVD ──rcv RST (note 1: after a passive OPEN)──▶ LISTEN
//   ESTAB ──CLOSE / snd FIN──▶ FIN-WAIT-1             ESTAB ──rcv FIN / snd ACK──▶ CLOSE-WAIT
//   FIN-WAIT-1 ──rcv ACK of FIN──▶ FIN-WAIT-2         FIN-WAIT-1 ──rcv FIN / snd ACK──▶ CLOSING
//   FIN-WAIT-2 ──rcv FIN / snd ACK──▶ TIME-WAIT       CLOSING ──rcv ACK of FIN──▶ TIME-WAIT
//   CLOSE-WAIT ──CLOSE / snd FIN──▶ LAST-ACK          LAST-ACK ──rcv ACK of FIN──▶ CLOSED
//   TIME-WAIT ──Timeout=2MSL / delete TCB──▶ CLOSED
//
// (Note 2's FIN-WAIT-1 → TIME-WAIT is listed by the engine as its two arrows, through FIN-WAIT-2: DECISIONS.)
const RFC_ARROWS: readonly (readonly [TcpState, TcpState])[] = [
  ['CLOSED', 'LISTEN'], ['LISTEN', 'CLOSED'], ['CLOSED', 'SYN_SENT'], ['SYN_SENT', 'CLOSED'],
  ['LISTEN', 'SYN_RECEIVED'], ['LISTEN', 'SYN_SENT'], ['SYN_SENT', 'SYN_RECEIVED'], ['SYN_SENT', 'ESTABLISHED'],
  ['SYN_RECEIVED', 'ESTABLISHED'], ['SYN_RECEIVED', 'FIN_WAIT_1'], ['SYN_RECEIVED', 'LISTEN'],
  ['ESTABLISHED', 'FIN_WAIT_1'], ['ESTABLISHED', 'CLOSE_WAIT'], ['FIN_WAIT_1', 'FIN_WAIT_2'], ['FIN_WAIT_1', 'CLOSING'],
  ['FIN_WAIT_2', 'TIME_WAIT'], ['CLOSING', 'TIME_WAIT'], ['CLOSE_WAIT', 'LAST_ACK'], ['LAST_ACK', 'CLOSED'],
  ['TIME_WAIT', 'CLOSED'],
];
const ARROWS = new Set(RFC_ARROWS.map(([a, b]) => `${a}>${b}`));
const isEdge = (from: TcpState, to: TcpState) => to === 'CLOSED' && from !== 'CLOSED' ? true : ARROWS.has(`${from}>${to}`);

/** Problems with a connection's reports in frame order: arrows not in the RFC, breaks in the chain. */
function check(reports: readonly { frame: number; stream: number; report: StateReport }[], what: string): string[] {
  const problems: string[] = [];
  const now = new Map<number, { client: TcpState; server: TcpState }>();
  for (const { frame, stream, report } of reports) {
    let cur = now.get(stream);
    if (!cur) {
      if (!report.start) { problems.push(`${what} frame ${frame}: a connection's first frame without its start`); continue; }
      cur = { client: report.start.client, server: report.start.server };
      now.set(stream, cur);
    } else if (report.start) problems.push(`${what} frame ${frame}: a start on a later frame of stream ${stream}`);
    for (const t of report.transitions) {
      if (!isEdge(t.from, t.to)) problems.push(`${what} frame ${frame}: ${t.endpoint} ${t.from} → ${t.to} (${t.cause}) is no RFC 9293 arrow`);
      if (t.from === t.to) problems.push(`${what} frame ${frame}: ${t.endpoint} ${t.from} → ${t.to} changes nothing`);
      if (cur[t.endpoint] !== t.from) problems.push(`${what} frame ${frame}: ${t.endpoint} leaves ${t.from} but was ${cur[t.endpoint]}`);
      cur[t.endpoint] = t.to;
    }
    for (const e of ['client', 'server'] as const) {
      if (report.states[e] !== cur[e]) problems.push(`${what} frame ${frame}: ${e} is ${report.states[e]} after its transitions ended in ${cur[e]}`);
      cur[e] = report.states[e];
    }
  }
  return problems;
}

const reportsOf = (frames: readonly DecodedFrame[]) => frames.filter((f) => f.states && f.stream !== null)
  .map((f) => ({ frame: f.frame, stream: f.stream as number, report: { states: f.states!, transitions: f.transitions ?? [], ...(f.start ? { start: f.start } : {}) } }));

function decodeAll(raws: readonly RawFrame[]): DecodedFrame[] {
  const dec = new Decoder();
  return raws.map((r) => dec.decode(r));
}

/** A damaged file's frames as the reader delivers them in its chunks, up to the damage (a format error). */
function decodeDamaged({ bytes, chunks }: DamagedFile): DecodedFrame[] {
  const reader = new CaptureReader();
  const dec = new Decoder();
  const out: DecodedFrame[] = [];
  try {
    let pos = 0;
    for (const n of chunks) {
      reader.push(bytes.subarray(pos, pos + n), (raw) => out.push(dec.decode(raw)));
      pos += n;
    }
    reader.end();
  } catch (e) {
    if (!(e instanceof CaptureFormatError)) throw e;
  }
  return out;
}

const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));

describe('every transition is an RFC 9293 arrow, and the reports chain', () => {
  it('the arrows as transcribed (a sanity check of this test itself)', () => {
    expect(isEdge('CLOSE_WAIT', 'CLOSING')).toBe(false);
    expect(isEdge('ESTABLISHED', 'CLOSED')).toBe(true);
    expect(isEdge('CLOSED', 'SYN_RECEIVED')).toBe(false);
    expect(check([{ frame: 1, stream: 0, report: { states: { client: 'CLOSING', server: 'ESTABLISHED' }, transitions: [{ endpoint: 'client', from: 'CLOSE_WAIT', to: 'CLOSING', cause: 'crossing_fins', text: '' }], start: { client: 'CLOSE_WAIT', server: 'ESTABLISHED', cause: 'mid_stream', text: '' } } }], 'x')).toHaveLength(1);
  });

  for (const { path, name } of files) {
    it(`${name} and its fuzz corpus`, () => {
      const raws = rawFramesLenient(path);
      expect(check(reportsOf(decodeAll(raws)), name)).toEqual([]);
      // The fuzz corpus (test/helpers/fuzz.ts, as test/engine/fuzz.test.ts walks it): every frame cut and
      // bit-flipped, all through one decoder; then damaged copies of the whole file, each through the reader.
      expect(check(reportsOf(decodeAll([...fuzzedFrames(name, raws)].map((x) => x.raw))), `${name} (fuzzed frames)`)).toEqual([]);
      for (const d of damagedFiles(name, new Uint8Array(readFileSync(path)))) expect(check(reportsOf(decodeDamaged(d)), d.what)).toEqual([]);
    });
  }

  it('random frames of the fuzz corpus', () => {
    const frames = decodeAll([...randomFrames()].map((x) => x.raw));
    expect(check(reportsOf(frames), 'random frames')).toEqual([]);
  });
});

describe('random conversations', () => {
  /** Segments with random flags and plausible (often exactly right) sequence and acknowledgment numbers. */
  function randomSegments(seed: number, count: number): TcpSegment[] {
    let s = seed;
    const rnd = () => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s / 0x80000000; };
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const isn = [1000, 900000];
    const nxt = [1000, 900000];
    const out: TcpSegment[] = [];
    let frame = 0;
    for (let i = 0; i < count; i++) {
      const d = rnd() < 0.5 ? 0 : 1;
      const flags = pick([TCP_SYN, TCP_SYN | TCP_ACK, TCP_ACK, TCP_ACK, TCP_FIN | TCP_ACK, TCP_FIN, TCP_RST, TCP_RST | TCP_ACK, TCP_ACK | 0x08]);
      const len = flags & 0x08 ? 1 + Math.floor(rnd() * 50) : 0;
      const seq = flags & TCP_SYN ? isn[d] : pick([nxt[d], nxt[d], nxt[d] - 1, isn[d] + 1]);
      const ack = pick([nxt[1 - d], nxt[1 - d], nxt[1 - d] - 1, isn[1 - d] + 1, 0]);
      nxt[d] = Math.max(nxt[d], seq + len + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0));
      frame += 1 + (rnd() < 0.05 ? Math.floor(rnd() * 1500) : 0);
      out.push({ frame, time: frame / 1e4, src: d ? 'b' : 'a', dst: d ? 'a' : 'b', srcPort: d ? 2 : 1, dstPort: d ? 1 : 2, seq: seq >>> 0, ack: ack >>> 0, flags, window: 100, len, urgentPointer: 0 });
    }
    return out;
  }

  /** Runs the tracker over the segments: the reports with every revision applied; checks that settled frames stay settled. */
  function run(segs: readonly TcpSegment[], problems: string[]) {
    const tcp = new TcpTracker();
    const st = new StateTracker();
    const final = new Map<number, { frame: number; stream: number; report: StateReport }>();
    let settled = 0;
    for (const seg of segs) {
      const a = tcp.analyze(seg);
      const r = st.onSegment(seg, a);
      for (const v of st.revisions) {
        if (v.frame < settled) problems.push(`frame ${v.frame} revised at frame ${seg.frame}, though settled before ${settled}`);
        if (v.frame >= seg.frame) problems.push(`frame ${seg.frame} revised frame ${v.frame}, not an earlier one`);
        final.set(v.frame, { frame: v.frame, stream: v.stream, report: v.report });
      }
      final.set(seg.frame, { frame: seg.frame, stream: a.stream, report: r });
      settled = Math.max(settled, Math.min(st.settledBefore(seg.frame), seg.frame + 1));
    }
    return [...final.values()].sort((x, y) => x.frame - y.frame);
  }

  it('10 × 400 random segments: RFC arrows only, reports chain, settled frames stay, stats\' path agrees', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const segs = randomSegments(seed, 400);
      const problems: string[] = [];
      const reports = run(segs, problems);
      expect(problems, `seed ${seed}`).toEqual([]);
      expect(check(reports, `seed ${seed}`)).toEqual([]);
      // stats' path (no reports) ends where the reports end.
      const tcp = new TcpTracker();
      const plain = new StateTracker();
      for (const seg of segs) { const a = tcp.analyze(seg); plain.advance(seg, a.stream, a.direction); }
      let streams = 0;
      for (let stream = 0; plain.statesOf(stream); stream++, streams++) {
        const last = reports.filter((r) => r.stream === stream).pop();
        expect(plain.statesOf(stream), `seed ${seed} stream ${stream}`).toEqual(last?.report.states);
      }
      expect(streams).toBeGreaterThan(0);
    }
  });
});
