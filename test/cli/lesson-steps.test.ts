// `handshake-lab lesson` mechanics on the stand-in engine (test/backend/fake-engine.ts), so they are
// tested whatever state the real dissectors are in: listing, stepping (every step's text, every segment
// once, state answers from the engine's states), waiting for Enter and q, and its errors.
import { describe, expect, it, vi } from 'vitest';
import { readdirSync } from 'node:fs';

vi.mock('../../main/engine/dissect/index', async () => await import('../backend/fake-engine'));
vi.mock('../../main/engine/tcp/tracker', async () => ({ TcpTracker: (await import('../backend/fake-engine')).TcpTracker }));
vi.mock('../../main/engine/tcp/states', async () => ({ StateTracker: (await import('../backend/fake-engine')).StateTracker }));

const { runLesson, resolveSteps, lessonLang } = await import('../../main/cli/lesson');
const { UsageError } = await import('../../main/cli/command');
const { input, lessonDef, lessonsDir, parseSteps, runIn } = await import('./lesson-output');

const ids = readdirSync(lessonsDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

describe('handshake-lab lesson (stand-in engine)', () => {
  it('lists every shipped lesson with its title', async () => {
    const r = await runIn(runLesson, ['--lang', 'en']);
    expect(r.code).toBe(0);
    for (const id of ids) expect(r.out).toContain(`${id.padEnd(Math.max(...ids.map((i) => i.length)))}  ${lessonDef(id).title.en}`);
    const zh = await runIn(runLesson, ['--lang', 'zh-CN']);
    for (const id of ids) expect(zh.out).toContain(lessonDef(id).title['zh-CN']);
  });

  it('refuses an unknown lesson and a bad option in one line (exit 2 via UsageError)', async () => {
    for (const args of [['no-such-lesson'], ['classic-linux', '--lang', 'fr'], ['a', 'b'], ['--bogus']]) {
      const e = await runIn(runLesson, args).catch((x: unknown) => x);
      expect(e, args.join(' ')).toBeInstanceOf(UsageError);
      expect((e as Error).message).not.toContain('\n');
    }
    const e = (await runIn(runLesson, ['no-such-lesson']).catch((x: unknown) => x)) as Error;
    expect(e.message).toMatch(/no lesson named 'no-such-lesson'/);
    for (const id of ids) expect(e.message).toContain(id);
  });

  it('--no-wait prints every step in order, each segment once, and state answers from the trace', async () => {
    for (const id of ids.filter((i) => !lessonDef(i).experiment)) {
      const def = lessonDef(id);
      const r = await runIn(runLesson, [id, '--no-wait', '--lang', 'en']);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      const steps = parseSteps(r.out);
      expect(steps.map((s) => s.text)).toEqual(def.steps.map((s) => s.text.en));
      const frames = steps.flatMap((s) => s.rows.map((row) => row.frame));
      expect(new Set(frames).size).toBe(frames.length);
      def.steps.forEach((s, i) => {
        const row = steps[i].rows.at(-1);
        if (s.frame !== undefined) expect(row?.frame, `${id} step ${i + 1}`).toBe(s.frame);
        if (s.question?.kind === 'state') expect(steps[i].answer, `${id} step ${i + 1}`).toBe(row?.[s.question.endpoint]);
        if (s.question?.kind === 'choice') expect(steps[i].answer).toBe(s.question.choices.find((c) => c.id === (s.question as { answer: string }).answer)?.text.en);
      });
      expect(r.out).toMatch(/End of the lesson\.\n$/);
    }
  });

  it('waits for Enter, stops on q, and runs to the end when input ends', async () => {
    const def = lessonDef('classic-linux');
    const quit = await runIn(runLesson, ['classic-linux', '--lang', 'en'], input(['', '', 'q']));
    const shown = parseSteps(quit.out);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(def.steps.length);
    expect(quit.out).not.toContain('End of the lesson');
    expect(quit.err).toMatch(/\[Enter: /);
    const eof = await runIn(runLesson, ['classic-linux', '--lang', 'en'], input([]));
    expect(parseSteps(eof.out)).toHaveLength(def.steps.length);
    expect(eof.out).toContain('End of the lesson');
  });

  it('matches steps by flags, direction and nth', () => {
    const seg = (frame: number, direction: 'c2s' | 's2c', flags: number) => ({ frame, direction, flags }) as never;
    const segs = [seg(1, 'c2s', 0x002), seg(2, 's2c', 0x012), seg(3, 'c2s', 0x010), seg(4, 'c2s', 0x018), seg(5, 's2c', 0x010), seg(6, 'c2s', 0x010)];
    const def = { steps: [{ match: { flags: 'SYN, ACK', from: 'server' } }, { match: { flags: 'ACK', from: 'client', nth: 2 } }, { frame: 4 }, { match: { flags: 'RST', from: 'client' } }] } as never;
    expect(resolveSteps(def, segs)).toEqual([1, 5, 3, -1]);
  });

  it('takes the language from LANG', () => {
    expect(lessonLang(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(lessonLang(undefined, { LANG: 'de_DE.UTF-8' })).toBe('en');
    expect(lessonLang('zh-CN', { LANG: 'C' })).toBe('zh-CN');
  });
});
