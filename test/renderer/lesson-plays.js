// What the back end answers for lessons, computed here in Node from the real lesson files and captures
// (JavaScript, so the renderer's DOM-only typecheck does not see Node's fs): the catalogue and each
// lesson laid over a capture by the lessons module, as getLesson does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LessonCatalogue } from '../../main/backend/lessons';
import { decodeCapture, layOut, parseLesson } from '../../main/lessons/index';

const DIR = join(__dirname, '..', '..', 'assets', 'lessons');

export function shippedCatalogue(locale = 'en') {
  const c = new LessonCatalogue([{ dir: DIR, origin: 'shipped' }]);
  return c.entries().map((e) => c.summary(e, locale));
}

/** The play of a shipped lesson over its own capture, or over another shipped capture (a live lesson's run). */
export function lessonPlay(id, captureName) {
  const parsed = parseLesson(JSON.parse(readFileSync(join(DIR, `${id}.json`), 'utf8')));
  if (!parsed.ok) throw new Error(`${id}: ${JSON.stringify(parsed.problems)}`);
  const lesson = parsed.lesson;
  const name = captureName ?? lesson.capture ?? lesson.experiment?.sample ?? lesson.watch?.sample;
  const capture = decodeCapture(readFileSync(join(DIR, name)));
  return { lesson, ...layOut(lesson, capture), recorded: false };
}
