// Lesson answers are computed from the engine's decode, so they must be Wireshark's: every field a shipped
// lesson's answers and choices read equals tshark's value of that field in that frame, every byte range
// asked is tshark's [pos, pos + size), and the derived values (milliseconds between frames, RTT samples,
// bytes acknowledged) equal the same arithmetic on tshark's fields. Then the grader: right answers pass,
// known wrong ones get their targeted feedback in both languages.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  captureOf, computeAnswer, decodeCapture, evaluate, feedbackText, grade, parseLesson, resolveFrame, stepContext,
  type FrameRef, type LessonCapture, type LessonFile, type ValueExpr,
} from '../../main/lessons/index';
import { MISCONCEPTIONS } from '../../main/lessons/misconceptions';
import { hasTshark, tshark, tsharkFields } from '../helpers/tshark';

const DIR = join(__dirname, '..', '..', 'assets', 'lessons');
const lessons = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((f) => {
  const r = parseLesson(JSON.parse(readFileSync(join(DIR, f), 'utf8')));
  if (!r.ok) throw new Error(`${f}: ${JSON.stringify(r.problems)}`);
  return r.lesson;
});
const captures = new Map<string, LessonCapture>();
const captureFor = (l: LessonFile) => {
  const name = captureOf(l);
  if (!captures.has(name)) captures.set(name, decodeCapture(readFileSync(join(DIR, name))));
  return captures.get(name)!;
};
const byId = (id: string) => lessons.find((l) => l.id === id)!;

const noTshark = !hasTshark();
if (noTshark) console.log('skipping lesson answers vs tshark: tshark is not installed');

/** Every value expression of a question (nested ones too), to check their leaves against tshark. */
function valuesOf(l: LessonFile): { step: number; e: ValueExpr }[] {
  const out: { step: number; e: ValueExpr }[] = [];
  const visit = (step: number, e: ValueExpr) => {
    out.push({ step, e });
    for (const k of ['add', 'mul', 'sub', 'div'] as const) if (k in e) for (const x of (e as Record<string, ValueExpr[]>)[k]) visit(step, x);
    if ('round' in e) visit(step, e.round);
  };
  l.steps.forEach((s, i) => {
    const q = s.question;
    if (q?.kind === 'number') { visit(i, q.value); q.feedback?.forEach((f) => visit(i, f.value)); }
    if (q?.kind === 'choice') { if (q.value) visit(i, q.value); q.choices.forEach((c) => c.value && visit(i, c.value)); }
  });
  return out;
}

describe.skipIf(noTshark)('lesson answers are Wireshark\'s', () => {
  it.each(lessons.map((l) => l.id))('%s: fields, byte ranges and derived values equal tshark\'s', (id) => {
    const l = byId(id);
    const capture = captureFor(l);
    const file = join(DIR, captureOf(l));
    const fields = new Map<string, string[][][]>();
    const theirs = (name: string) => {
      if (!fields.has(name)) fields.set(name, tsharkFields(file, [name]).map((row) => row));
      return fields.get(name)!;
    };
    const frameOf = (step: number, ref: FrameRef | undefined) => resolveFrame(ref, stepContext(l, step, capture));
    let checked = 0;
    for (const { step, e } of valuesOf(l)) {
      const ctx = stepContext(l, step, capture);
      if ('field' in e) {
        const n = frameOf(step, e.frame);
        const want = theirs(e.field)[n - 1][0][e.occurrence ?? 0];
        expect(String(evaluate(e, ctx)), `${id} steps[${step}] ${e.field} of frame ${n}`).toBe(want);
        checked++;
      } else if ('derived' in e && (e.derived === 'time_ms' || e.derived === 'sample_rtt_ms' || e.derived === 'bytes_acked')) {
        const n = frameOf(step, e.frame);
        // frame.time_relative: small numbers, so the difference keeps tshark's nanoseconds.
        const epoch = (k: number) => Number(theirs('frame.time_relative')[k - 1][0][0]);
        let want: number;
        if (e.derived === 'time_ms') want = (epoch(frameOf(step, e.to)) - epoch(n)) * 1000;
        else if (e.derived === 'sample_rtt_ms') want = Number(theirs('tcp.analysis.ack_rtt')[n - 1][0][0]) * 1000;
        else {
          const port = theirs('tcp.srcport')[n - 1][0][0];
          let before = 0;
          for (let k = 1; k < n; k++) if (theirs('tcp.srcport')[k - 1][0][0] === port && theirs('tcp.flags.ack')[k - 1][0][0] === '1') before = Math.max(before, Number(theirs('tcp.ack')[k - 1][0][0]));
          want = Number(theirs('tcp.ack')[n - 1][0][0]) - before;
        }
        expect(evaluate(e, ctx) as number, `${id} steps[${step}] ${e.derived}`).toBeCloseTo(want, 6);
        checked++;
      }
    }
    l.steps.forEach((s, i) => {
      if (s.question?.kind !== 'bytes') return;
      const c = computeAnswer(l, i, capture);
      if (c.kind !== 'bytes') throw new Error('not a byte range');
      const pdml = tshark(['-r', file, '-T', 'pdml', '-Y', `frame.number == ${c.frame}`]);
      const m = new RegExp(`<field name="${s.question.field.replace(/\./g, '\\.')}"[^>]*pos="(\\d+)"[^>]*size="(\\d+)"`).exec(pdml)
        ?? new RegExp(`<field name="${s.question.field.replace(/\./g, '\\.')}"[^>]*size="(\\d+)"[^>]*pos="(\\d+)"`).exec(pdml);
      expect(m, `${id} steps[${i}] ${s.question.field} in tshark's PDML`).not.toBeNull();
      const pos = Number(/pos="(\d+)"/.exec(m![0])![1]), size = Number(/size="(\d+)"/.exec(m![0])![1]);
      expect(c.value, `${id} steps[${i}] bytes of ${s.question.field}`).toEqual([pos, pos + size]);
      checked++;
    });
    // Lessons whose values are only constants, states and who-sent-what have nothing here for tshark to check.
    if (valuesOf(l).some(({ e }) => 'field' in e)) expect(checked).toBeGreaterThan(0);
  });
});

describe('grading', () => {
  const gradeOf = (id: string, step: number, given: Parameters<typeof grade>[2]) => {
    const l = byId(id);
    const q = l.steps[step].question!;
    const g = grade(q, computeAnswer(l, step, captureFor(l)), given);
    return { ...g, en: feedbackText(q, g.feedbackKey, 'en'), zh: feedbackText(q, g.feedbackKey, 'zh-CN') };
  };

  it('a typed Ack: right, Seq + 1, Len, and the raw number each get their own answer', () => {
    // classic-linux step 5: the server's Ack for the client's 14 bytes at Seq=1.
    expect(gradeOf('classic-linux', 4, '15')).toMatchObject({ correct: true, feedbackKey: null });
    expect(gradeOf('classic-linux', 4, ' 15 ').correct).toBe(true);
    expect(gradeOf('classic-linux', 4, '2')).toMatchObject({ correct: false, en: MISCONCEPTIONS.ack_is_seq_plus_one.en, zh: MISCONCEPTIONS.ack_is_seq_plus_one['zh-CN'] });
    expect(gradeOf('classic-linux', 4, 14)).toMatchObject({ correct: false, en: MISCONCEPTIONS.ack_is_len.en });
    const l = byId('classic-linux');
    const raw = evaluate({ field: 'tcp.ack_raw', frame: 5 }, stepContext(l, 4, captureFor(l)));
    expect(gradeOf('classic-linux', 4, String(raw))).toMatchObject({ correct: false, feedbackKey: 'misconception:raw_vs_relative' });
    expect(gradeOf('classic-linux', 4, '7')).toMatchObject({ correct: false, feedbackKey: null });
    expect(gradeOf('classic-linux', 4, 'fifteen')).toMatchObject({ correct: false, feedbackKey: null });
  });

  it('a window in bytes: the unscaled field and the shift-as-multiplier are named', () => {
    const step = byId('handshake-options').steps.findIndex((s) => s.question?.kind === 'number' && 'field' in s.question.value && s.question.value.field === 'tcp.window_size');
    expect(gradeOf('handshake-options', step, '65536').correct).toBe(true);
    expect(gradeOf('handshake-options', step, '64')).toMatchObject({ feedbackKey: 'misconception:unscaled_window', en: MISCONCEPTIONS.unscaled_window.en });
    expect(gradeOf('handshake-options', step, '640')).toMatchObject({ en: MISCONCEPTIONS.scale_not_multiplier.en });
  });

  it('a state: the other endpoint\'s state and the state before are named; the lesson\'s own text comes first', () => {
    // three-segment-close step 3: the server after the client's FIN (CLOSE_WAIT); the client is FIN_WAIT_1.
    expect(gradeOf('three-segment-close', 2, 'CLOSE_WAIT').correct).toBe(true);
    expect(gradeOf('three-segment-close', 2, 'close-wait').correct).toBe(true);
    expect(gradeOf('three-segment-close', 2, 'FIN_WAIT_1')).toMatchObject({ feedbackKey: 'misconception:state_other_endpoint' });
    expect(gradeOf('three-segment-close', 2, 'ESTABLISHED')).toMatchObject({ feedbackKey: 'misconception:state_before' });
    const own = gradeOf('classic-linux', 0, 'LISTEN');
    expect(own.feedbackKey).toBe('feedback:0');
    expect(own.en).toMatch(/^LISTEN is where a server waits/);
  });

  it('bytes: exact range right, another field\'s bytes and a partial range named', () => {
    // seq-ack step 1: the sequence number's four bytes in the SYN.
    expect(gradeOf('seq-ack', 0, [38, 42]).correct).toBe(true);
    expect(gradeOf('seq-ack', 0, [42, 46])).toMatchObject({ correct: false, feedbackKey: 'feedback:0' });
    expect(gradeOf('seq-ack', 0, [39, 41])).toMatchObject({ correct: false, feedbackKey: 'misconception:bytes_partial' });
    expect(gradeOf('seq-ack', 0, [0, 6])).toMatchObject({ correct: false, feedbackKey: 'misconception:bytes_elsewhere' });
  });

  it('order: capture order is right; the textbook\'s order of a crossing close is named', () => {
    const l = byId('simultaneous');
    const step = l.steps.findIndex((s) => s.question?.kind === 'order');
    expect(gradeOf('simultaneous', step, ['a-fin', 'b-fin', 'a-ack', 'b-ack']).correct).toBe(true);
    expect(gradeOf('simultaneous', step, ['a-fin', 'b-ack', 'b-fin', 'a-ack'])).toMatchObject({ correct: false, en: MISCONCEPTIONS.order_textbook.en });
  });

  it('multiple choice: the choice whose value equals the computed one; a wrong choice\'s feedback', () => {
    expect(gradeOf('classic-linux', 3, 'client').correct).toBe(true);
    expect(gradeOf('classic-linux', 3, 'both')).toMatchObject({ correct: false, feedbackKey: 'choice:both', zh: MISCONCEPTIONS.established_together['zh-CN'] });
  });
});
