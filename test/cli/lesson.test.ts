// `handshake-lab lesson` on the real engine, checked against tshark: every segment the lesson prints
// carries the label tshark's Info column shows for that frame, every verified choice question's answer is
// tshark's value of its field, and state answers are the states printed for that segment. Plus the
// built CLI: an unknown lesson is one line and exit code 2.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLesson } from '../../main/cli/lesson';
import { hasTshark, tsharkFields } from '../helpers/tshark';
import { lessonDef, lessonsDir, parseSteps, runIn } from './lesson-output';

const repo = join(__dirname, '..', '..');
const tsharkMissing = !hasTshark();
if (tsharkMissing) console.log('skipping lesson vs tshark: tshark is not installed');
const fileLessons = readdirSync(lessonsDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).filter((id) => !lessonDef(id).experiment).sort();
const chunks = join(repo, 'out', 'main', 'chunks');
const built = existsSync(chunks) && readdirSync(chunks).some((f) => f.startsWith('lesson-') && readFileSync(join(chunks, f), 'utf8').includes('End of the lesson'));
if (!built) console.log('skipping the built lesson CLI test: build first (npm run build)');

describe('handshake-lab lesson vs tshark', () => {
  it.skipIf(tsharkMissing).each(fileLessons)('%s: segments, verified answers and states', async (id) => {
    const def = lessonDef(id);
    const file = join(lessonsDir, def.capture!);
    const r = await runIn(runLesson, [id, '--no-wait', '--lang', 'en']);
    expect(r.code).toBe(0);
    const steps = parseSteps(r.out);
    expect(steps).toHaveLength(def.steps.length);
    const info = tsharkFields(file, ['_ws.col.Info']).map((f) => f[0]?.[0] ?? '');
    const rows = steps.flatMap((s) => s.rows);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      // The trace appends the analysis marks ([retransmission]…) after the label; tshark's Info has the label itself.
      const label = row.label.replace(/ \[[a-z_, ]+\]$/, '');
      expect(info[row.frame - 1], `frame ${row.frame}`).toContain(label);
    }
    def.steps.forEach((s, i) => {
      const q = s.question;
      if (!q) return;
      const row = steps[i].rows.at(-1);
      if (s.frame !== undefined) expect(row?.frame).toBe(s.frame);
      if (q.kind === 'state') {
        expect(steps[i].answer, `step ${i + 1}`).toBe(row?.[q.endpoint]);
        // The lesson's author wrote the RFC 9293 answer first in the explanation: the engine's state must agree.
        const written = /^([A-Z][A-Z_0-9]+)\b/.exec(q.explanation.en)?.[1];
        if (written && (q.choices as string[]).includes(written)) expect(steps[i].answer, `step ${i + 1}: ${q.explanation.en.slice(0, 60)}`).toBe(written);
      } else {
        expect(steps[i].answer).toBe(q.choices.find((c) => c.id === q.answer)?.text.en);
        if (q.verify) {
          const theirs = tsharkFields(file, [q.verify.field])[q.verify.frame - 1][0];
          expect(theirs, `${q.verify.field} of frame ${q.verify.frame}`).toEqual([q.answer]);
        }
      }
    });
  });
});

describe('handshake-lab lesson (built CLI)', () => {
  it.skipIf(!built)('lists lessons; an unknown one is one line on stderr and exit code 2', () => {
    const cli = join(repo, 'bin', 'handshake-lab.js');
    const list = spawnSync(process.execPath, [cli, 'lesson', '--lang', 'en'], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    for (const id of fileLessons) expect(list.stdout).toContain(lessonDef(id).title.en);
    const bad = spawnSync(process.execPath, [cli, 'lesson', 'no-such-lesson'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/no lesson named 'no-such-lesson'/);
    const run = spawnSync(process.execPath, [cli, 'lesson', fileLessons[0], '--lang', 'en'], { encoding: 'utf8', input: '' });
    expect(run.status, run.stderr).toBe(0);
    expect(parseSteps(run.stdout)).toHaveLength(lessonDef(fileLessons[0]).steps.length);
  });
});
