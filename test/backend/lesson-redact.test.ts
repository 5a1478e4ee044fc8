// The answer never leaves the server (DECISIONS "Grading"): for every shipped lesson and every question, at
// the open question, everything the session receives (getFrames, getFrame of every frame it may see,
// getLadder, listConnections, getSeries of every kind, and every push) holds no value where the question's
// mask covers it: masked states read MASK in rows, trees, ladder segments and summaries; masked fields'
// tree items carry no value and their labels, Info texts and ladder labels print none; their bytes are
// zeroed; a whole-masked segment says neither who sent it nor its flags; a masked graph point is not sent.
// The answer itself comes from the lesson and the capture (computeAnswer), never from our own output, and
// is searched for where the mask covers it. Teacher mode and answered questions are sent as they are.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import type { ApiEvents } from '../../main/api/contract';
import type { ConnectionSummary, Exposure, FrameDetail, FrameRow, LadderPage, Series, SeriesKind } from '../../main/api/types';
import type { Field, Layer } from '../../main/engine/types';
import { computeAnswer, decodeCapture, exposureOf, layOut, parseLesson, type ComputedAnswer, type LessonCapture, type LessonFile } from '../../main/lessons/index';
import { MASK, Reveal } from '../../main/lessons/reveal';
import { failure, RecordingClient } from './service-helpers';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const tmp = mkdtempSync(join(tmpdir(), 'hl-redact-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const service = () => new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: mkdtempSync(join(tmp, 'data-')), capture: null, lessonsDir: shipped, locale: 'en' });

function lesson(id: string): LessonFile {
  const r = parseLesson(JSON.parse(readFileSync(join(shipped, `${id}.json`), 'utf8')));
  if (!r.ok) throw new Error(`${id} is invalid`);
  return r.lesson;
}
const captureOf = (l: LessonFile) => decodeCapture(readFileSync(join(shipped, l.capture ?? l.experiment?.sample ?? l.watch!.sample)));

const KINDS: SeriesKind[] = ['stevens', 'acks', 'segments', 'throughput', 'window', 'rtt'];
const SERIES_OF: Partial<Record<SeriesKind, string[]>> = { stevens: ['stevens'], throughput: ['throughput'], window: ['window'], rtt: ['rtt', 'srtt'] };

/** Everything one session received at an open question. */
interface Received {
  rows: FrameRow[];
  details: FrameDetail[];
  ladders: LadderPage[];
  summaries: ConnectionSummary[];
  series: Series[];
  transitions: ApiEvents['transitions'];
}

function walk(fs: Field[], out: Field[] = []): Field[] {
  for (const f of fs) { out.push(f); walk(f.children, out); }
  return out;
}

/** The values each graph's point plots (the Stevens bar runs from Seq to Seq + Len, an ACK's from Ack to Ack + window). */
const PLOTS: Record<SeriesKind, string[]> = {
  stevens: ['tcp.seq', 'tcp.len'], acks: ['tcp.ack', 'tcp.window_size'], segments: ['tcp.len'], throughput: ['tcp.len'], window: ['tcp.window_size'], rtt: ['tcp.analysis.ack_rtt'],
};

/**
 * A frame's masked lengths (frame.len, the TCP header's, its payload's, taken from the capture) said by
 * where its layers and their fields are, by its len and caplen, or printed in a title or a label (the bits).
 */
function lengthLeaks(d: FrameDetail, x: Reveal, capture: LessonCapture): string[] {
  const n = d.frame.frame;
  const real = capture.frames[n - 1].decoded;
  const value = (name: string) => { const f = real.layers.flatMap((l) => walk(l.fields as Field[])).find((y) => y.name === name); return f ? Number(f.value) : NaN; };
  const said = new Set<number>();
  const out: string[] = [];
  if (x.fieldMasked(n, 'frame.len')) {
    said.add(real.len);
    if (d.frame.len === real.len || d.frame.caplen === real.len) out.push(`frame ${n}: its len/caplen ${d.frame.len}/${d.frame.caplen}`);
    for (const text of [...d.frame.layers.map((l) => l.title), ...d.frame.layers.flatMap((l) => walk(l.fields)).map((f) => f.display)]) {
      if (new RegExp(`\\b(${real.len}|${real.len * 8})\\b`).test(text)) out.push(`frame ${n}: "${text}" prints the masked frame.len`);
    }
  }
  // The payload's length printed by a field of its own (Bytes in flight, Next Sequence Number = Seq + Len).
  const len = value('tcp.len');
  if (x.fieldMasked(n, 'tcp.len') && len > 0) {
    const seq = value('tcp.seq');
    for (const f of d.frame.layers.flatMap((l) => walk(l.fields))) {
      if (new RegExp(`:\\s*(${len}|${seq + len})\\b`).test(f.display)) out.push(`frame ${n}: "${f.display}" prints the masked tcp.len ${len}`);
    }
  }
  if (x.fieldMasked(n, 'tcp.hdr_len')) said.add(value('tcp.hdr_len'));
  if (x.fieldMasked(n, 'tcp.len')) { said.add(value('tcp.len')); said.add(real.len - value('tcp.len')); }
  said.delete(0);
  if (!said.size) return out;
  const tcp = d.frame.layers.findIndex((l) => l.protocol === 'tcp');
  d.frame.layers.forEach((l, i) => {
    // The layers before TCP (and their own fields) say only what the tree prints unmasked (ip.len).
    if (!x.fieldMasked(n, 'frame.len') && (tcp < 0 || i < tcp)) return;
    for (const p of [l, ...walk(l.fields)]) {
      for (const v of [p.offset, p.length, p.offset + p.length]) if (said.has(v)) out.push(`frame ${n}: ${'protocol' in p ? `the ${l.protocol} layer` : (p as Field).name} is at ${p.offset}+${p.length}: a masked length ${v}`);
    }
  });
  return out;
}

/** Where the mask covers something, a value is found: each leak as a line (none: the answer stayed on the server). */
function leaks(got: Received, mask: Exposure, answer: ComputedAnswer, capture: LessonCapture): string[] {
  const x = new Reveal(mask);
  const out: string[] = [];
  const v = answer.value;
  const stateLeak = (where: string, frame: number, s: { client: string; server: string } | null | undefined) => {
    for (const e of ['client', 'server'] as const) {
      if (!s || !x.stateMasked(e, frame)) continue;
      if (s[e] !== MASK) out.push(`${where}: ${e} state ${s[e]}`);
      if (answer.kind === 'state' && s[e] === v) out.push(`${where}: the answer ${v}`);
    }
  };
  for (const r of got.rows) {
    const n = r.number;
    stateLeak(`row ${n}`, n, r.states);
    if (x.frameMasked(n) && (r.src !== MASK || r.dst !== MASK || r.info !== MASK)) out.push(`row ${n}: the masked segment's ${r.src} → ${r.dst} ${r.info}`);
    if (x.text(n, r.info) !== r.info) out.push(`row ${n}: Info prints a masked value: ${r.info}`);
  }
  for (const d of got.details) {
    const n = d.frame.frame;
    stateLeak(`frame ${n}`, n, d.frame.states);
    if (x.frameMasked(n)) {
      if (d.frame.layers.length || /[1-9a-f]/.test(d.bytes) || d.frame.info !== MASK) out.push(`frame ${n}: the masked segment's tree or bytes`);
      continue;
    }
    for (const f of d.frame.layers.flatMap((l) => walk(l.fields))) {
      if (x.fieldMasked(n, f.name)) {
        if (f.value !== null) out.push(`frame ${n}: ${f.name} = ${String(f.value)}`);
        if (answer.kind === 'number' && new RegExp(`\\b${String(v).replace('.', '\\.')}\\b`).test(f.display.replace(/^[^:]*/, ''))) out.push(`frame ${n}: ${f.display} prints the answer ${String(v)}`);
      } else if (x.text(n, f.display) !== f.display) out.push(`frame ${n}: ${f.name}'s label prints a masked value: ${f.display}`);
      if (x.linksMasked(n) && (f.offset !== 0 || f.length !== 0)) out.push(`frame ${n}: ${f.name} says where its bytes are`);
    }
    for (const l of d.frame.layers) if (x.text(n, l.title) !== l.title) out.push(`frame ${n}: the ${l.protocol} title prints a masked value: ${l.title}`);
    out.push(...lengthLeaks(d, x, capture));
    // The masked fields' bytes, where the capture has them (never from what was sent).
    const real = capture.frames[n - 1].decoded.layers as Layer[];
    for (const l of real) {
      if (l.source) continue;
      for (const f of walk(l.fields)) {
        if (f.source || !x.fieldMasked(n, f.name)) continue;
        const hex = d.bytes.slice(2 * f.offset, 2 * (f.offset + f.length));
        if (/[1-9a-f]/.test(hex)) out.push(`frame ${n}: the bytes of ${f.name} (${hex})`);
      }
    }
  }
  for (const page of got.ladders) {
    for (const s of page.segments) {
      const n = s.frame;
      stateLeak(`ladder segment ${n}`, n, s.states);
      if (s.transitions.some((t) => x.stateMasked(t.endpoint, n))) out.push(`ladder segment ${n}: a masked state change`);
      if (x.frameMasked(n) && (s.label !== MASK || s.flags !== 0 || s.direction !== 'c2s')) out.push(`ladder segment ${n}: the masked segment's ${s.direction} ${s.label}`);
      if (x.text(n, s.label) !== s.label) out.push(`ladder segment ${n}: its label prints a masked value: ${s.label}`);
      for (const [key, field] of [['seq', 'tcp.seq'], ['seqRaw', 'tcp.seq_raw'], ['ack', 'tcp.ack'], ['ackRaw', 'tcp.ack_raw'], ['len', 'tcp.len'], ['window', 'tcp.window_size']] as const) {
        if (x.fieldMasked(n, field) && s[key] !== 0) out.push(`ladder segment ${n}: ${key} ${s[key]}`);
      }
    }
  }
  for (const c of [...got.summaries, ...got.ladders.map((p) => p.summary)]) {
    stateLeak(`connection ${c.stream}`, c.lastFrame, c.states);
    stateLeak(`connection ${c.stream}'s start`, 0, c.startStates);
  }
  for (const s of got.series) {
    for (const f of s.frames) if (x.frameMasked(f) || (SERIES_OF[s.kind] ?? []).some((name) => x.seriesMasked(name, f))) out.push(`${s.kind} graph: the point at frame ${f}`);
    // A point plots its frame's values: a masked one's point is not sent.
    for (const f of s.frames) for (const field of PLOTS[s.kind]) if (x.fieldMasked(f, field)) out.push(`${s.kind} graph: the point at frame ${f} plots its masked ${field}`);
  }
  for (const t of got.transitions) {
    if (x.frameMasked(t.frame) || t.transitions.some((y) => x.stateMasked(y.endpoint, t.frame))) out.push(`transitions push at frame ${t.frame}`);
    stateLeak(`transitions push at frame ${t.frame}`, t.frame, t.states);
  }
  return out;
}

/**
 * Where a connection summary's counts say more than its segments on screen under the session's whole mask:
 * a whole-masked segment counted in a direction (who sent it), a masked length in a byte total. The
 * directions and lengths come from the capture.
 */
function countLeaks(got: Received, mask: Exposure, capture: LessonCapture): string[] {
  const x = new Reveal(mask);
  const out: string[] = [];
  for (const c of [...got.summaries, ...got.ladders.map((p) => p.summary)]) {
    const page = got.ladders.find((p) => p.summary.stream === c.stream);
    if (!page) continue;
    const seen = page.segments.filter((s) => !x.frameMasked(s.frame));
    const dir = (n: number) => (capture.frames[n - 1].from === 'client' ? 0 : 1);
    const len = (n: number) => (x.fieldMasked(n, 'frame.len') ? 0 : capture.frames[n - 1].decoded.len);
    const want = {
      framesClientToServer: seen.filter((s) => dir(s.frame) === 0).length, framesServerToClient: seen.filter((s) => dir(s.frame) === 1).length,
      bytesClientToServer: seen.filter((s) => dir(s.frame) === 0).reduce((a, s) => a + len(s.frame), 0), bytesServerToClient: seen.filter((s) => dir(s.frame) === 1).reduce((a, s) => a + len(s.frame), 0),
    };
    const have = { framesClientToServer: c.framesClientToServer, framesServerToClient: c.framesServerToClient, bytesClientToServer: c.bytesClientToServer, bytesServerToClient: c.bytesServerToClient };
    if (JSON.stringify(have) !== JSON.stringify(want)) out.push(`connection ${c.stream}: counts ${JSON.stringify(have)}, its segments on screen ${JSON.stringify(want)}`);
    if (c.bytes !== want.bytesClientToServer + want.bytesServerToClient) out.push(`connection ${c.stream}: ${c.bytes} bytes, its segments on screen ${want.bytesClientToServer + want.bytesServerToClient}`);
  }
  return out;
}

/** Everything a session may ask for now, and what it was pushed since `c` was cleared. */
async function receive(s: Service, c: RecordingClient): Promise<Received> {
  s.tick();
  const rows = [...(await s.handle('getFrames', { start: 0, count: 10000 }, c)).rows, ...c.of('frames').flatMap((f) => f.rows)];
  const details: FrameDetail[] = [];
  for (const r of rows) details.push(await s.handle('getFrame', { number: r.number }, c));
  const summaries = [...await s.handle('listConnections', {}, c), ...c.of('connections').flatMap((x) => x.connections)];
  const ladders: LadderPage[] = [];
  const series: Series[] = [];
  for (const stream of new Set(summaries.map((x) => x.stream))) {
    ladders.push(await s.handle('getLadder', { stream, start: 0, count: 10000 }, c));
    for (const kind of KINDS) series.push(...await s.handle('getSeries', { stream, kind }, c));
  }
  return { rows, details, ladders, summaries, series, transitions: c.of('transitions').flat() };
}

const given = (a: ComputedAnswer) => a.value as string | number | [number, number] | string[];

describe('the server redacts what an open question would give away', () => {
  it('sends no masked value of any shipped lesson\'s open question, in any response or push', async () => {
    const ids = readdirSync(shipped).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
    const all: string[] = [];
    let questions = 0;
    for (const id of ids) {
      const s = service();
      const c = new RecordingClient(`student-${id}`);
      const l = lesson(id);
      const capture = captureOf(l);
      await s.handle('identify', { learner: `learner-${id}`, name: 'Eyes' }, c);
      await s.handle('openLesson', { id }, c);
      for (;;) {
        const { state } = await s.handle('getLesson', { id }, c);
        if (state.gate === null || !state.mask) break;
        const step = state.gate;
        const answer = computeAnswer(l, step, capture);
        const got = await receive(s, c);
        questions++;
        all.push(...[...leaks(got, state.mask, answer, capture), ...countLeaks(got, state.mask, capture)].map((line) => `${id} step ${step + 1}: ${line}`));
        c.clear();
        const r = await s.handle('answerQuestion', { lesson: id, step, answer: given(answer) }, c);
        expect(r.correct, `${id} step ${step + 1}`).toBe(true);
      }
      // Every question answered: nothing is held back any more but another lesson's on the same capture.
      const after = new Reveal((await s.handle('getLesson', { id }, c)).state.mask);
      const rows = (await s.handle('getFrames', { start: 0, count: 10000 }, c)).rows;
      expect(rows.length, id).toBe(capture.frames.length);
      for (const r of rows) {
        for (const e of ['client', 'server'] as const) if (!after.stateMasked(e, r.number)) expect(r.states?.[e], `${id} row ${r.number}`).toBe(capture.frames[r.number - 1].decoded.states?.[e]);
      }
      if (!['classic-linux', 'three-segment-close', 'encapsulation', 'handshake-options', 'cumulative-acks', 'rtt-throughput'].includes(id)) expect(after.active, id).toBe(false);
    }
    expect(questions).toBeGreaterThan(40);
    expect(all).toEqual([]);
  }, 300_000);

  it('sends classic-linux\'s first answer nowhere, and teacher mode everything', async () => {
    const s = service();
    const c = new RecordingClient('a');
    const l = lesson('classic-linux');
    const capture = captureOf(l);
    const answer = computeAnswer(l, 0, capture);
    expect(answer).toMatchObject({ kind: 'state', value: 'SYN_SENT' });
    await s.handle('identify', { learner: 'learner-k1', name: 'Ann' }, c);
    await s.handle('openLesson', { id: 'classic-linux' }, c);
    const { rows } = await s.handle('getFrames', { start: 0, count: 10 }, c);
    expect(rows[0].states?.client).toBe(MASK);
    expect(JSON.stringify(await s.handle('listConnections', {}, c))).not.toContain('SYN_SENT');
    expect(JSON.stringify((await s.handle('getLadder', { stream: 0, start: 0, count: 10 }, c)).segments)).not.toContain('SYN_SENT');
    // A teacher's session in teacher mode is sent the capture as it is.
    const t = new RecordingClient('t');
    await s.handle('setTeacherMode', { on: true }, t);
    await s.handle('openLesson', { id: 'classic-linux' }, t);
    expect((await s.handle('getFrames', { start: 0, count: 10 }, t)).rows[0].states?.client).toBe('SYN_SENT');
  });

  it('masks the answers of the other lessons on the same capture until this learner answers them there', async () => {
    const pairs = [['three-segment-close', 'classic-linux'], ['classic-linux', 'three-segment-close'], ['encapsulation', 'handshake-options'], ['handshake-options', 'encapsulation'], ['cumulative-acks', 'rtt-throughput'], ['rtt-throughput', 'cumulative-acks']];
    for (const [open, other] of pairs) {
      const s = service();
      const c = new RecordingClient(`a-${open}`);
      const l = lesson(other);
      const capture = captureOf(l);
      await s.handle('identify', { learner: 'learner-shared', name: 'Eyes' }, c);
      await s.handle('openLesson', { id: open }, c);
      const got = await receive(s, c);
      const layout = layOut(l, capture);
      const asked = l.steps.map((_, i) => i).filter((i) => layout.answers[i]);
      expect(asked.length, other).toBeGreaterThan(0);
      const found = asked.flatMap((i) => leaks(got, exposureOf(l, i, capture), computeAnswer(l, i, capture), capture).map((x) => `${open} shows ${other} step ${i + 1}: ${x}`));
      expect(found).toEqual([]);
      // Answered in its own lesson (by the same learner, in another tab), the other lesson's answers are shown.
      const b = new RecordingClient(`b-${open}`);
      await s.handle('identify', { learner: 'learner-shared', name: 'Eyes' }, b);
      await s.handle('openLesson', { id: other }, b);
      for (const i of asked) expect((await s.handle('answerQuestion', { lesson: other, step: i, answer: given(computeAnswer(l, i, capture)) }, b)).correct).toBe(true);
      const own = lesson(open);
      const ownMask = new Reveal((await s.handle('getLesson', { id: open }, c)).state.mask);
      const rows = (await s.handle('getFrames', { start: 0, count: 10000 }, c)).rows;
      for (const r of rows) {
        for (const e of ['client', 'server'] as const) {
          if (!ownMask.stateMasked(e, r.number)) expect(r.states?.[e], `${open} row ${r.number}`).toBe(capture.frames[r.number - 1].decoded.states?.[e]);
        }
      }
      expect(own.id).toBe(open);
    }
  }, 120_000);

  it('answers a frame past the gate and one that does not exist alike while gated (the total stays unsaid)', async () => {
    const s = service();
    const c = new RecordingClient('a');
    const capture = captureOf(lesson('classic-linux'));
    await s.handle('openLesson', { id: 'classic-linux' }, c);
    const past = await failure(s.handle('getFrame', { number: 2 }, c));
    const none = await failure(s.handle('getFrame', { number: capture.frames.length + 1 }, c));
    const far = await failure(s.handle('getFrame', { number: 100000 }, c));
    expect(past.code).toBe('forbidden');
    for (const x of [none, far]) {
      expect(x.code).toBe(past.code);
      expect(x.message.replace(/frame \d+ comes/, '')).toBe(past.message.replace(/frame \d+ comes/, ''));
      expect(x.message).not.toContain(String(capture.frames.length));
    }
  });
});
