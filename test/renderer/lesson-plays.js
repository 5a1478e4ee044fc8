// What the back end answers for lessons, computed here in Node from the real lesson files and captures
// (JavaScript, so the renderer's DOM-only typecheck does not see Node's fs): the catalogue, and a player
// per lesson that is the back end's own LessonPlayer (grading, gate, masks) over the capture, so the fake
// client answers getLesson, lessonProgress and answerQuestion as the real back end does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LessonCatalogue } from '../../main/backend/lessons';
import { LessonPlayer } from '../../main/backend/lesson-player';
import { ProgressStore } from '../../main/backend/progress';
import { checkDraft } from '../../main/backend/lesson-author';
import { decodeCapture, layOut, parseLesson } from '../../main/lessons/index';

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

/**
 * The back end's authoring requests over a shipped capture (what "Make a lesson" sends while that capture is
 * on screen): the real validator and engine, and a player for the preview. `saved` collects saveLesson calls.
 */
export function authorBackEnd(captureName) {
  const capture = decodeCapture(readFileSync(join(DIR, captureName)));
  const ext = captureName.endsWith('.pcapng') ? 'pcapng' : 'pcap';
  const named = (lesson) => ({ ...lesson, capture: `${lesson.id}.${ext}` });
  const saved = [];
  let preview = null;
  return {
    saved,
    capture,
    check: (lesson) => {
      const c = checkDraft(named(lesson), capture);
      return { problems: c.problems, answers: c.answers, capture: `${lesson.id}.${ext}` };
    },
    preview: (lesson) => {
      const c = checkDraft(named(lesson), capture);
      if (!c.lesson) throw Object.assign(new Error(c.problems.join('; ')), { code: 'bad_request' });
      const layout = layOut(c.lesson, capture);
      const player = new LessonPlayer(c.lesson, layout, capture, { learner: 'preview', progress: new ProgressStore(null, 10, () => undefined), teacher: false });
      preview = { play: () => player.play(false), go: (s) => player.go(s), answer: (s, g) => player.answer(s, g), teacher: (on) => player.setTeacher(on) };
      return preview;
    },
    save: (lesson) => { saved.push(lesson); return { id: lesson.id, origin: 'user' }; },
  };
}

/** A shipped lesson's player over its own capture, or over another shipped capture (a live lesson's run). */
export function lessonPlayer(id, captureName) {
  const lesson = lessonFile(id);
  const name = captureName ?? lesson.capture ?? lesson.experiment?.sample ?? lesson.watch?.sample;
  const capture = decodeCapture(readFileSync(join(DIR, name)));
  const layout = layOut(lesson, capture);
  const player = new LessonPlayer(lesson, layout, capture, { learner: 'renderer-test', progress: new ProgressStore(null, 10, () => undefined), teacher: false });
  return {
    lesson,
    capture,
    play: () => player.play(false),
    go: (step) => player.go(step),
    answer: (step, given) => player.answer(step, given),
    teacher: (on) => player.setTeacher(on),
  };
}
