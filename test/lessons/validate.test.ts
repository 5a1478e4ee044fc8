// `handshake-lab lesson validate`: every shipped lesson passes (this runs in `npm test`), the curriculum is
// complete (14 lessons on recorded captures with their recording script, a live lesson per experiment
// variant), and each kind of broken lesson is rejected with its exact one-line message and exit code 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runValidate } from '../../main/cli/lesson-validate';
import { checkLessonFile } from '../../main/backend/lessons';
import { EXPERIMENT_VARIANTS } from '../../main/lessons/schema';
import { runIn } from '../cli/lesson-output';

const repo = join(__dirname, '..', '..');
const shipped = join(repo, 'assets', 'lessons');
let tmp: string;
let savedData: string | undefined;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hl-validate-'));
  savedData = process.env.HANDSHAKE_LAB_DATA_DIR;
  process.env.HANDSHAKE_LAB_DATA_DIR = join(tmp, 'data');
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  if (savedData === undefined) delete process.env.HANDSHAKE_LAB_DATA_DIR;
  else process.env.HANDSHAKE_LAB_DATA_DIR = savedData;
});

type Json = Record<string, unknown> & { steps: Record<string, unknown>[] };

/** classic-linux.json with a change, next to its capture, in a folder of its own; returns the file. */
function broken(name: string, change: (l: Json) => void, text?: string): string {
  const dir = mkdtempSync(join(tmp, 'case-'));
  copyFileSync(join(shipped, 'classic-linux.pcap'), join(dir, 'classic-linux.pcap'));
  const l = JSON.parse(readFileSync(join(shipped, 'classic-linux.json'), 'utf8')) as Json;
  change(l);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, text ?? JSON.stringify({ ...l, id: name }, null, 2));
  return file;
}

const question = (l: Json, i: number) => l.steps[i].question as Record<string, unknown>;

async function rejects(file: string): Promise<string[]> {
  const r = await runIn(runValidate, [file]);
  expect(r.code).toBe(2);
  return r.out.trimEnd().split('\n');
}

describe('lesson validate: the shipped lessons', () => {
  it('passes every shipped lesson, the user folder and HANDSHAKE_LAB_LESSONS_DIR (no arguments)', async () => {
    const r = await runIn(runValidate, []);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
    const n = readdirSync(shipped).filter((f) => f.endsWith('.json')).length;
    expect(r.err).toContain(`${n} lesson files checked: ${n} valid, 0 problems`);
  });

  it('has the curriculum: 14 lessons on recorded captures (each with its script), a live lesson per variant', () => {
    const entries = readdirSync(shipped).filter((f) => f.endsWith('.json')).map((f) => checkLessonFile(join(shipped, f), 'shipped'));
    expect(entries.every((e) => e.lesson)).toBe(true);
    const onCaptures = entries.filter((e) => e.lesson!.capture);
    expect(onCaptures.length).toBeGreaterThanOrEqual(14);
    for (const e of onCaptures) {
      expect(e.lesson!.recordedBy, e.id).toBeDefined();
      expect(existsSync(join(repo, e.lesson!.recordedBy!)), e.lesson!.recordedBy).toBe(true);
      // The script names the capture it records.
      expect(readFileSync(join(repo, e.lesson!.recordedBy!), 'utf8')).toContain(e.lesson!.capture!.replace(/\.pcap$/, ''));
    }
    const variants = new Set(entries.map((e) => e.lesson!.experiment?.variant).filter(Boolean));
    expect([...variants].sort()).toEqual([...EXPERIMENT_VARIANTS].sort());
    expect(entries.some((e) => e.lesson!.watch)).toBe(true);
    for (const e of entries) {
      const orders = e.lesson!.steps.filter((s) => s.question).length;
      expect(orders, `${e.id} asks`).toBeGreaterThan(0);
    }
  });
});

describe('lesson validate: rejections, one line each', () => {
  it('a frame that is not in the capture', async () => {
    const f = broken('missing-frame', (l) => { l.steps[8].frame = 99; });
    expect(await rejects(f)).toEqual([`${f}: steps[8].frame: frame 99 is not in the capture (8 frames)`]);
  });

  it('a typed constant that is not the computed answer', async () => {
    const f = broken('wrong-constant', (l) => { question(l, 1).answer = 14; });
    expect(await rejects(f)).toEqual([`${f}: steps[1].question.answer: 14 is not the computed value 1`]);
  });

  it('state choices that leave out the right answer', async () => {
    const f = broken('not-among-choices', (l) => { question(l, 0).choices = ['LISTEN', 'SYN_RECEIVED']; question(l, 0).feedback = undefined; });
    expect(await rejects(f)).toEqual([`${f}: steps[0].question.choices: the right answer SYN_SENT (the engine's state after frame 1) is not among the choices`]);
  });

  it('multiple choice where no choice equals the computed value', async () => {
    const f = broken('no-right-choice', (l) => { const q = question(l, 3); q.choices = (q.choices as { id: string }[]).filter((c) => c.id !== 'client'); });
    expect(await rejects(f)).toEqual([`${f}: steps[3].question: cannot compute the answer: no choice equals the computed value "client"`]);
  });

  it('a missing translation', async () => {
    const f = broken('missing-translation', (l) => { delete (l.steps[2].text as Record<string, string>)['zh-CN']; });
    expect(await rejects(f)).toEqual([`${f}: steps[2].text.zh-CN: missing zh-CN translation`]);
  });

  it('a malformed file', async () => {
    const f = broken('malformed', () => undefined, '{"id": "malformed",\n  "title": }');
    expect(await rejects(f)).toEqual([`${f}: not valid JSON at line 2, column 12`]);
    const g = broken('cut-short', () => undefined, '{"id": "cut-short", ');
    expect(await rejects(g)).toEqual([`${g}: not valid JSON: the text ends too early`]);
  });

  it('a field the engine does not know', async () => {
    const f = broken('unknown-field', (l) => { question(l, 1).value = { field: 'tcp.acks' }; });
    expect(await rejects(f)).toEqual([
      `${f}: steps[1].question.value.field: unknown field "tcp.acks" (not a field Handshake Lab's engine decodes)`,
      `${f}: steps[1].question: cannot compute the answer: frame 2 has no field tcp.acks`,
    ]);
  });

  it('more than one conceptual question in four', async () => {
    const f = broken('too-conceptual', (l) => {
      for (const i of [0, 5, 6]) Object.assign(question(l, i), { kind: 'choice', conceptual: true, answer: 'a', choices: [{ id: 'a', text: { en: 'A', 'zh-CN': '甲' } }, { id: 'b', text: { en: 'B', 'zh-CN': '乙' } }], endpoint: undefined, feedback: undefined });
    });
    expect(await rejects(f)).toEqual([`${f}: 3 of 9 questions are conceptual; at most one in four may be`]);
  });

  it('feedback aimed at the right answer', async () => {
    const f = broken('feedback-on-right', (l) => { question(l, 4).feedback = [{ value: { field: 'tcp.ack', frame: 5 }, key: 'ack_is_len' }]; });
    expect(await rejects(f)).toEqual([`${f}: steps[4].question.feedback[0].value: equals the right answer (15) or an earlier feedback's value`]);
  });

  it('steps that go back in the capture, and an id that is not the file name', async () => {
    const f = broken('backwards', (l) => { l.steps[2].frame = 1; });
    const lines = await rejects(f);
    expect(lines).toContain(`${f}: steps[2].frame: frame 1 comes before the previous step's frame 2 (steps go forward in capture order)`);
    const g = broken('renamed', () => undefined);
    writeFileSync(g, readFileSync(g, 'utf8').replace('"id": "renamed"', '"id": "other-name"'));
    expect(await rejects(g)).toEqual([`${g}: id: "other-name" differs from the file name "renamed.json"`]);
  });

  it('a capture that is not there', async () => {
    const f = broken('no-capture', (l) => { l.capture = 'gone.pcap'; });
    expect(await rejects(f)).toEqual([`${f}: capture: cannot read gone.pcap: no such file`]);
  });

  it('a live lesson that selects by frame number, and a pattern its sample does not have', async () => {
    const dir = mkdtempSync(join(tmp, 'live-'));
    copyFileSync(join(shipped, 'live-classic.pcapng'), join(dir, 'live-classic.pcapng'));
    const l = JSON.parse(readFileSync(join(shipped, 'own-traffic.json'), 'utf8')) as Json;
    l.steps[0] = { ...l.steps[0], match: undefined, frame: 1 };
    (l.steps[1] as { match: unknown }).match = { from: 'server', flags: 'SYN' };
    const f = join(dir, 'own-traffic.json');
    writeFileSync(f, JSON.stringify(l));
    expect(await rejects(f)).toEqual([
      `${f}: steps[0].frame: a live lesson runs on the student's own packets: select segments by "match" or {"step": N}, not by frame number`,
      `${f}: steps[1].match: no segment in stream 0 is the server's [SYN]`,
    ]);
  });

  it('lists several files, a folder, and a path that does not exist', async () => {
    const ok = broken('fine', () => undefined);
    const bad = broken('missing-translation-2', (l) => { delete (l.title as Record<string, string>).en; });
    const r = await runIn(runValidate, [ok, bad, join(tmp, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.out.trimEnd().split('\n')).toEqual([`${bad}: title.en: missing en translation`, `${join(tmp, 'nowhere')}: no such file or folder`]);
    const dirOk = await runIn(runValidate, [join(ok, '..')]);
    expect(dirOk.code).toBe(0);
  });
});
