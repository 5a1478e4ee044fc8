// What the back end answers for lessons, computed here in Node from the real lesson files and captures
// (JavaScript, so the renderer's DOM-only typecheck does not see Node's fs): the catalogue, and a player
// per lesson that is the back end's own LessonPlayer (grading, gate, masks) over the capture, so the fake
// client answers getLesson, lessonProgress and answerQuestion as the real back end does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LessonCatalogue } from '../../main/backend/lessons';
import { LessonPlayer } from '../../main/backend/lesson-player';
import { ProgressStore } from '../../main/backend/lesson-progress';
import { decodeCapture, layOut, lessonView, parseLesson } from '../../main/lessons/index';

const DIR = join(__dirname, '..', '..', 'assets', 'lessons');

export function shippedCatalogue(locale = 'en') {
  const c = new LessonCatalogue([{ dir: DIR, origin: 'shipped' }]);
  return c.entries().map((e) => c.summary(e, locale));
}

export function lessonFile(id) {
  const parsed = parseLesson(JSON.parse(readFileSync(join(DIR, `${id}.json`), 'utf8')));
  if (!parsed.ok) throw new Error(`${id}: ${JSON.stringify(parsed.problems)}`);
  return parsed.lesson;
}

/** A shipped lesson's player over its own capture, or over another shipped capture (a live lesson's run). */
export function lessonPlayer(id, captureName) {
  const lesson = lessonFile(id);
  const name = captureName ?? lesson.capture ?? lesson.experiment?.sample ?? lesson.watch?.sample;
  const capture = decodeCapture(readFileSync(join(DIR, name)));
  const layout = layOut(lesson, capture);
  const player = new LessonPlayer(lesson, layout, capture, { learner: 'renderer-test', progress: new ProgressStore(null), teacher: false });
  return {
    lesson,
    capture,
    play: () => ({ lesson: lessonView(lesson), steps: layout.steps, problems: layout.problems, recorded: false, state: player.state() }),
    go: (step) => player.go(step),
    answer: (step, given) => player.answer(step, given),
    teacher: (on) => player.setTeacher(on),
  };
}
