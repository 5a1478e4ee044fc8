// Lesson mode: the lesson catalogue as the back end lists it (shipped, the user's folder, `serve --lessons`,
// imported; invalid files with the validator's reasons), the open lesson with each step's frame and the
// answers the back end computed from the capture, the current step, and the student's first answers,
// graded by the lessons module's grader. A step with a question hides what happens next until answered.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { grade, type ComputedAnswer, type GivenAnswer, type Grade } from '../../../main/lessons/answers';
import type { LessonFile, LessonStep } from '../../../main/lessons/schema';
import type { LessonPlay, LessonSummary } from '../../../main/api/types';
import { useClient, type TcpState } from '../api';
import { useAppStore } from './app';
import { useConnectionsStore } from './connections';
import { useLadderStore } from './ladder';
import { useNoticesStore } from './notices';
import { useStepStore } from './step';

export const useLessonsStore = defineStore('lessons', () => {
  const catalogue = shallowRef<LessonSummary[]>([]);
  const play = shallowRef<LessonPlay | null>(null);
  const active = computed<LessonFile | null>(() => play.value?.lesson ?? null);
  const stepIndex = ref(0);
  /** The student's first answer by step index, and its grade. */
  const answers = ref<Record<number, GivenAnswer>>({});
  const grades = ref<Record<number, Grade>>({});
  const opening = ref(false);
  /** Index of each step's segment within its connection's ladder (-1: not in the capture; resolved on arrival). */
  const segmentIndex = ref<number[]>([]);

  const step = computed<LessonStep | null>(() => active.value?.steps[stepIndex.value] ?? null);
  const computedAnswer = computed<ComputedAnswer | null>(() => play.value?.answers[stepIndex.value] ?? null);
  const answered = computed(() => answers.value[stepIndex.value]);
  const grade_ = computed<Grade | undefined>(() => grades.value[stepIndex.value]);
  const awaitingAnswer = computed(() => !!step.value?.question && !!computedAnswer.value && answered.value === undefined && isAtStep());

  function isAtStep(): boolean {
    const idx = segmentIndex.value[stepIndex.value];
    return idx !== undefined && useStepStore().index === idx;
  }

  /** The right answer of a state or choice question, as the id its buttons carry (null for other kinds). */
  const correctAnswer = computed<string | null>(() => {
    const c = computedAnswer.value;
    return c && (c.kind === 'state' || c.kind === 'choice') ? c.value : null;
  });

  /** The back end's lessons (refreshed when the lesson menu opens, so new files show up). */
  async function refresh(): Promise<void> {
    try {
      catalogue.value = await useClient().listLessons();
    } catch (e) {
      useNoticesStore().error(e, 'listLessons');
    }
  }

  async function open(id: string): Promise<void> {
    const client = useClient();
    opening.value = true;
    play.value = null;
    stepIndex.value = 0;
    answers.value = {};
    grades.value = {};
    segmentIndex.value = [];
    try {
      await client.openLesson({ id });
      await until(() => !useAppStore().loading, 60_000);
      const p = await client.getLesson({ id });
      play.value = p;
      segmentIndex.value = p.steps.map(() => -1);
      await useConnectionsStore().refresh();
      useStepStore().reset();
      await showStream(p.steps.find((s) => s.stream !== null)?.stream ?? p.lesson.stream ?? 0);
      for (let i = 0; i < p.steps.length; i++) await resolve(i);
      await goToStep(0);
    } catch (e) {
      useNoticesStore().error(e, 'openLesson');
      play.value = null;
    } finally {
      opening.value = false;
    }
  }

  /** Loads a connection's ladder (a step may show another connection of the capture, e.g. a refused attempt). */
  async function showStream(stream: number): Promise<void> {
    const ladder = useLadderStore();
    if (ladder.stream === stream) return;
    const loading = ladder.load(stream, true);
    useConnectionsStore().select(stream);
    await loading;
    await ladder.ensure(0, ladder.total - 1);
    // Ladder positions belong to one connection: those of other connections are found again on arrival.
    segmentIndex.value = segmentIndex.value.map((x, i) => (play.value?.steps[i].stream === stream ? x : -1));
  }

  async function resolve(i: number): Promise<void> {
    const s = play.value?.steps[i];
    const ladder = useLadderStore();
    if (!s || s.frame === null || s.stream !== ladder.stream) return;
    const idx = await ladder.indexOfFrame(s.frame);
    segmentIndex.value = segmentIndex.value.map((x, j) => (j === i ? idx : x));
  }

  async function goToStep(i: number): Promise<void> {
    if (!active.value || !play.value) return;
    const n = Math.max(0, Math.min(active.value.steps.length - 1, i));
    const stepStore = useStepStore();
    stepStore.pause();
    const target = play.value.steps[n];
    if (target.stream !== null && target.stream !== useLadderStore().stream) {
      await showStream(target.stream);
      await resolve(n);
    }
    const idx = segmentIndex.value[n];
    stepIndex.value = n;
    reportStep();
    if (idx === undefined || idx < 0) return;
    // Arriving from the step before is a single step: animate the segment travelling.
    await stepStore.goTo(idx, { animate: idx === stepStore.index + 1 || idx === 0 });
  }

  /** Commits the student's first answer to the current question (later ones change nothing). */
  function answer(given: GivenAnswer): void {
    const q = step.value?.question;
    const c = computedAnswer.value;
    if (!q || !c || answered.value !== undefined) return;
    answers.value = { ...answers.value, [stepIndex.value]: given };
    grades.value = { ...grades.value, [stepIndex.value]: grade(q, c, given) };
    // The back end grades and records the first answer and its time (the class dashboard, the report).
    const lesson = play.value?.lesson.id;
    if (lesson) tell(() => useClient().answerQuestion({ lesson, step: stepIndex.value, answer: given as string | number | [number, number] | string[] }));
  }

  /** Tells the back end which step is shown (the dashboard; a reload comes back here). */
  function reportStep(): void {
    const lesson = play.value?.lesson.id;
    if (lesson) tell(() => useClient().lessonProgress({ lesson, step: stepIndex.value }));
  }

  function close(): void {
    play.value = null;
    answers.value = {};
    grades.value = {};
    segmentIndex.value = [];
  }

  const score = computed(() => {
    const g = Object.values(grades.value);
    return { right: g.filter((x) => x.correct).length, asked: g.length };
  });

  // Stepping by other means (step controls) keeps the lesson's step in line with the segment shown.
  watch(() => useStepStore().index, (idx) => {
    if (!active.value) return;
    const ladderStream = useLadderStore().stream;
    const here = (i: number) => segmentIndex.value[i] === idx && play.value?.steps[i].stream === ladderStream;
    // Several steps may show one frame: stay on the current one, else take the first of them.
    if (here(stepIndex.value)) return;
    const at = segmentIndex.value.findIndex((_, i) => here(i));
    if (at >= 0) {
      stepIndex.value = at;
      reportStep();
    }
  });

  return {
    catalogue, play, active, stepIndex, answers, grades, opening, segmentIndex, step, computedAnswer, answered,
    grade: grade_, awaitingAnswer, correctAnswer, score, refresh, open, goToStep, answer, close,
  };
});

/** Tells the back end something it may record; a back end without classroom methods (tests' fake client) is fine. */
function tell(request: () => Promise<unknown>): void {
  try {
    void request().catch(() => undefined);
  } catch { /* no such method here */ }
}

function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const check = (): void => {
      if (cond() || Date.now() - t0 > timeoutMs) resolve();
      else setTimeout(check, 50);
    };
    check();
  });
}

export type { TcpState };
