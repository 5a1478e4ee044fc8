// `handshake-lab lesson` on the real engine, checked against tshark: every segment the lesson prints carries
// the label tshark's Info column shows for that frame, and state answers are the states printed for the
// step's segment. The CLI's own words in both languages, answers taken at the prompt and graded with
// targeted feedback, live lessons on their recorded sample, and `lesson validate` (never "no lesson named
// 'validate'"). Plus the built CLI: an unknown lesson is one line and exit code 2.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLesson, lessonLang } from '../../main/cli/lesson';
import { UsageError } from '../../main/cli/command';
import { MISCONCEPTIONS } from '../../main/lessons/misconceptions';
import { hasTshark, tsharkFields } from '../helpers/tshark';
import { input, lessonDef, lessonsDir, parseSteps, runIn } from './lesson-output';

const repo = join(__dirname, '..', '..');
const tsharkMissing = !hasTshark();
if (tsharkMissing) console.log('skipping lesson vs tshark: tshark is not installed');
const ids = readdirSync(lessonsDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
const fileLessons = ids.filter((id) => lessonDef(id).capture);
const chunks = join(repo, 'out', 'main', 'chunks');
const built = existsSync(chunks) && readdirSync(chunks).some((f) => f.startsWith('lesson') && readFileSync(join(chunks, f), 'utf8').includes('End of the lesson'));
if (!built) console.log('skipping the built lesson CLI test: build first (npm run build)');

// The user's lessons folder must not leak into the list: point the data folder at an empty one.
const data = mkdtempSync(join(tmpdir(), 'hl-lesson-cli-'));
process.env.HANDSHAKE_LAB_DATA_DIR = data;
process.on('exit', () => rmSync(data, { recursive: true, force: true }));

describe('handshake-lab lesson vs tshark', () => {
  it.skipIf(tsharkMissing).each(fileLessons)('%s: segments and state answers', async (id) => {
    const def = lessonDef(id);
    const file = join(lessonsDir, def.capture!);
    const r = await runIn(runLesson, [id, '--no-wait', '--lang', 'en']);
    expect(r.code).toBe(0);
    const steps = parseSteps(r.out);
    expect(steps.map((s) => s.text)).toEqual(def.steps.map((s) => s.text.en));
    const theirs = tsharkFields(file, ['_ws.col.Info', 'tcp.seq', 'tcp.ack', 'tcp.len']).map((f) => f.map((v) => v[0] ?? ''));
    const rows = steps.flatMap((s) => s.rows);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const [info, seq, ack, len] = theirs[row.frame - 1];
      const label = row.label.replace(/ \[[a-z_, ]+\]$/, '');
      // tshark's Info shows the TCP label, except where an application protocol (HTTP) takes the column.
      if (info.includes('[')) expect(info, `frame ${row.frame}`).toContain(label);
      else expect(label, `frame ${row.frame}`).toMatch(new RegExp(`Seq=${seq} (Ack=${ack} )?.*Len=${len}$`));
    }
    def.steps.forEach((s, i) => {
      const row = steps[i].rows.at(-1);
      // A step shows its own frame last (steps on another connection show theirs).
      if (s.frame !== undefined && row) expect(row.frame, `step ${i + 1}`).toBe(s.frame);
      if (s.question?.kind === 'state' && !s.question.frame) expect(steps[i].answer, `step ${i + 1}`).toBe(row?.[s.question.endpoint]);
      if (s.question) expect(steps[i].answer, `step ${i + 1}`).not.toBe('?');
    });
    expect(r.out).toMatch(/End of the lesson\.\n$/);
  });
});

describe('handshake-lab lesson', () => {
  it('lists every shipped lesson with its title, in both languages', async () => {
    const r = await runIn(runLesson, ['--lang', 'en']);
    expect(r.code).toBe(0);
    for (const id of ids) expect(r.out).toContain(lessonDef(id).title.en);
    const zh = await runIn(runLesson, ['--lang', 'zh-CN']);
    for (const id of ids) expect(zh.out).toContain(lessonDef(id).title['zh-CN']);
    expect(zh.out).toContain('运行 `handshake-lab lesson');
  });

  it('speaks its own words in zh-CN: step counter, question and answer labels', async () => {
    const zh = await runIn(runLesson, ['classic-linux', '--no-wait', '--lang', 'zh-CN']);
    const n = lessonDef('classic-linux').steps.length;
    expect(zh.out).toContain(`第 1 步，共 ${n} 步`);
    expect(zh.out).toContain('问题：');
    expect(zh.out).toContain('答案：SYN_SENT');
    expect(zh.out).toContain('课程结束。');
    expect(zh.out).toContain('客户端 → 服务器');
    for (const english of ['Step 1 of', 'Question:', 'Answer:', 'End of the lesson', 'client → server']) expect(zh.out).not.toContain(english);
  });

  it('takes answers at the prompt, grades them, aims feedback at the wrong one and asks again', async () => {
    // Step 1: "b" = SYN_SENT (right). Enter. Step 2: 0 (the SYN's Seq: wrong), then 1 (right). Then q.
    const r = await runIn(runLesson, ['classic-linux', '--lang', 'en'], input(['b', '', '0', '1', 'q']));
    expect(r.code).toBe(0);
    expect(r.out).toContain('\nRight!\n');
    expect(r.out).toContain(`\nNot quite. ${MISCONCEPTIONS.ack_is_seq.en}\n`);
    expect(r.out).toContain('Score: 1 of 2 right at the first try.');
    expect(r.err).toContain('[Your answer (a number; q: quit)]');
    expect(r.err).toContain('[Try again — Your answer (a number; q: quit)]');
    // In Chinese, the same mistake gets the Chinese text.
    const zh = await runIn(runLesson, ['classic-linux', '--lang', 'zh-CN'], input(['b', '', '0', '1', 'q']));
    expect(zh.out).toContain(`不太对。 ${MISCONCEPTIONS.ack_is_seq['zh-CN']}`);
    expect(zh.out).toContain('得分：2 道题中首次作答答对 1 道。');
  });

  it('refuses an unknown lesson and a bad option in one line (exit 2 via UsageError)', async () => {
    for (const args of [['no-such-lesson'], ['classic-linux', '--lang', 'fr'], ['a', 'b'], ['--bogus']]) {
      const e = await runIn(runLesson, args).catch((x: unknown) => x);
      expect(e, args.join(' ')).toBeInstanceOf(UsageError);
      expect((e as Error).message).not.toContain('\n');
    }
    const e = (await runIn(runLesson, ['no-such-lesson']).catch((x: unknown) => x)) as Error;
    expect(e.message).toMatch(/no lesson named 'no-such-lesson'/);
  });

  it('`lesson validate` validates (it is not a lesson name)', async () => {
    const r = await runIn(runLesson, ['validate']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toMatch(new RegExp(`^(.*note: .*\\n)*${ids.length} lesson files checked: ${ids.length} valid, 0 problems\\n$`));
  });

  it('steps through a live lesson on its recorded sample with --sample, answers computed from it', async () => {
    const r = await runIn(runLesson, ['own-traffic', '--no-wait', '--sample', '--lang', 'en']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('this is the lesson\'s recorded run');
    const steps = parseSteps(r.out);
    expect(steps).toHaveLength(lessonDef('own-traffic').steps.length);
    expect(steps.every((s) => s.rows.length > 0)).toBe(true);
    expect(steps[3].answer).toBe('15');
  });

  it('takes the language from LANG', () => {
    expect(lessonLang(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(lessonLang(undefined, { LANG: 'de_DE.UTF-8' })).toBe('en');
    expect(lessonLang('zh-CN', { LANG: 'C' })).toBe('zh-CN');
  });
});

describe('handshake-lab lesson (built CLI)', () => {
  it.skipIf(!built)('lists lessons; an unknown one is one line on stderr and exit code 2', () => {
    const cli = join(repo, 'bin', 'handshake-lab.js');
    const env = { ...process.env, HANDSHAKE_LAB_DATA_DIR: data };
    const list = spawnSync(process.execPath, [cli, 'lesson', '--lang', 'en'], { encoding: 'utf8', env });
    expect(list.status).toBe(0);
    for (const id of fileLessons) expect(list.stdout).toContain(lessonDef(id).title.en);
    const bad = spawnSync(process.execPath, [cli, 'lesson', 'no-such-lesson'], { encoding: 'utf8', env });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/no lesson named 'no-such-lesson'/);
    const run = spawnSync(process.execPath, [cli, 'lesson', fileLessons[0], '--lang', 'en'], { encoding: 'utf8', input: '', env });
    expect(run.status, run.stderr).toBe(0);
    expect(parseSteps(run.stdout)).toHaveLength(lessonDef(fileLessons[0]).steps.length);
  });
});
