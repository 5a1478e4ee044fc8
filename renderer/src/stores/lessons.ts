// Lesson mode: lessons bundled from assets/lessons, the current step, and the student's committed answers.
// A step with a question hides what happens next (its states) until the student has chosen.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { LessonDef, LessonStep, StateQuestion } from '../../../main/engine/ui/lesson';
import { lessonProblems } from '../../../main/engine/ui/lesson';
import { toClientError, useClient, useTransport, type TcpState } from '../api';
import { uploadCapture } from '../api/files';
import { flagList } from '../lib/flags';
import { useAppStore } from './app';
import { useConnectionsStore } from './connections';
import { useLadderStore } from './ladder';
import { useNoticesStore } from './notices';
import { useStepStore } from './step';

const files = import.meta.glob<LessonDef>('../../../assets/lessons/*.json', { eager: true, import: 'default' });
/** The lessons' captures, bundled with the renderer (so browser mode can upload one when the back end has no lessons). */
const captures = import.meta.glob<string>('../../../assets/lessons/*.{pcap,pcapng}', { eager: true, query: '?url', import: 'default' });

/** Bytes of a bundled lesson capture (small ones are inlined as data: URLs, which CSP would not let us fetch). */
async function bundledCapture(name: string): Promise<File | null> {
  const key = Object.keys(captures).find((k) => k.endsWith(`/${name}`));
  if (!key) return null;
  const url = captures[key];
  let bytes: Uint8Array;
  if (url.startsWith('data:')) {
    const b64 = url.slice(url.indexOf(',') + 1);
    const bin = atob(b64);
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  } else {
    bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  }
  return new File([bytes as BlobPart], name, { type: 'application/octet-stream' });
}

/** Opens a lesson's capture: through the back end's lessons, else (browser mode) by uploading the bundled copy. */
async function openLessonCapture(def: LessonDef): Promise<void> {
  try {
    await useClient().openLesson({ id: def.id });
  } catch (e) {
    const ce = toClientError(e);
    if (ce.code !== 'not_found' || useTransport().transport !== 'websocket' || !def.capture) throw e;
    const file = await bundledCapture(def.capture);
    if (!file) throw e;
    const path = await uploadCapture(file, () => {});
    await useClient().openFile({ path });
  }
}

export function bundledLessons(): LessonDef[] {
  const defs = Object.values(files).filter((d) => lessonProblems(d).length === 0);
  const order = ['classic-linux', 'four-segment-close', 'own-traffic'];
  return defs.sort((a, b) => (order.indexOf(a.id) + 1 || 99) - (order.indexOf(b.id) + 1 || 99));
}

export const useLessonsStore = defineStore('lessons', () => {
  const defs = shallowRef<LessonDef[]>(bundledLessons());
  const active = shallowRef<LessonDef | null>(null);
  const stepIndex = ref(0);
  /** Committed answers by step index. */
  const answers = ref<Record<number, string>>({});
  const opening = ref(false);
  /** Index of each step's segment within the connection (resolved once the capture is loaded). */
  const segmentIndex = ref<number[]>([]);

  const step = computed<LessonStep | null>(() => active.value?.steps[stepIndex.value] ?? null);
  const answered = computed(() => answers.value[stepIndex.value]);
  const awaitingAnswer = computed(() => !!step.value?.question && answered.value === undefined && isAtStep());

  function isAtStep(): boolean {
    const s = useStepStore();
    const idx = segmentIndex.value[stepIndex.value];
    return idx !== undefined && s.index === idx;
  }

  /** The right answer of the current step's question. */
  const correctAnswer = computed<string | null>(() => {
    const q = step.value?.question;
    if (!q) return null;
    if (q.kind === 'choice') return q.answer;
    const idx = segmentIndex.value[stepIndex.value];
    const seg = idx === undefined ? undefined : useLadderStore().segmentAt(idx);
    return seg ? seg.states[(q as StateQuestion).endpoint] : null;
  });

  async function open(id: string): Promise<void> {
    const def = defs.value.find((d) => d.id === id);
    if (!def) return;
    const client = useClient();
    const connections = useConnectionsStore();
    opening.value = true;
    active.value = def;
    stepIndex.value = 0;
    answers.value = {};
    segmentIndex.value = [];
    try {
      let stream = def.stream ?? 0;
      if (def.experiment) {
        const r = await client.runExperiment({ variant: def.experiment.variant, slowMotionMs: def.experiment.slowMotionMs ?? 0 });
        stream = r.streams[0] ?? stream;
      } else {
        await openLessonCapture(def);
        await until(() => !useAppStore().loading, 60_000);
      }
      await connections.refresh();
      useStepStore().reset();
      const loading = useLadderStore().load(stream, true);
      connections.select(stream);
      await loading;
      await resolveSteps(def);
      await goToStep(0);
    } catch (e) {
      useNoticesStore().error(e, def.experiment ? 'runExperiment' : 'openLesson');
      active.value = null;
    } finally {
      opening.value = false;
    }
  }

  async function resolveSteps(def: LessonDef): Promise<void> {
    const ladder = useLadderStore();
    await ladder.ensure(0, ladder.total - 1);
    const out: number[] = [];
    for (const s of def.steps) {
      if (s.frame !== undefined) { out.push(await ladder.indexOfFrame(s.frame)); continue; }
      const m = s.match!;
      let seen = 0;
      let found = -1;
      for (let i = 0; i < ladder.total; i++) {
        const seg = ladder.segmentAt(i);
        if (!seg) continue;
        const from = seg.direction === 'c2s' ? 'client' : 'server';
        if (from === m.from && flagList(seg.flags) === m.flags && ++seen === (m.nth ?? 1)) { found = i; break; }
      }
      out.push(found);
    }
    segmentIndex.value = out;
  }

  async function goToStep(i: number): Promise<void> {
    if (!active.value) return;
    const n = Math.max(0, Math.min(active.value.steps.length - 1, i));
    const stepStore = useStepStore();
    stepStore.pause();
    const idx = segmentIndex.value[n];
    stepIndex.value = n;
    reportStep();
    if (idx === undefined || idx < 0) return;
    // Arriving from the step before is a single step: animate the segment travelling.
    await stepStore.goTo(idx, { animate: idx === stepStore.index + 1 || idx === 0 });
  }

  function answer(choice: string): void {
    if (answered.value !== undefined) return;
    answers.value = { ...answers.value, [stepIndex.value]: choice };
    // The back end grades and records the first answer and its time (the class dashboard, the report).
    const lesson = active.value?.id;
    if (lesson) tell(() => useClient().answerQuestion({ lesson, step: stepIndex.value, answer: choice }));
  }

  /** Tells the back end which step is shown (the dashboard; a reload comes back here). */
  function reportStep(): void {
    const lesson = active.value?.id;
    if (lesson) tell(() => useClient().lessonProgress({ lesson, step: stepIndex.value }));
  }

  function close(): void {
    active.value = null;
    answers.value = {};
    segmentIndex.value = [];
  }

  const score = computed(() => {
    if (!active.value) return { right: 0, asked: 0 };
    let right = 0, asked = 0;
    active.value.steps.forEach((s, i) => {
      if (!s.question || answers.value[i] === undefined) return;
      asked++;
      const idx = segmentIndex.value[i];
      const correct = s.question.kind === 'choice' ? s.question.answer : useLadderStore().segmentAt(idx)?.states[s.question.endpoint];
      if (answers.value[i] === correct) right++;
    });
    return { right, asked };
  });

  // Stepping by other means (step controls) keeps the lesson's step in line with the segment shown.
  watch(() => useStepStore().index, (idx) => {
    if (!active.value) return;
    const at = segmentIndex.value.lastIndexOf(idx);
    if (at >= 0 && at !== stepIndex.value) {
      stepIndex.value = at;
      reportStep();
    }
  });

  return { defs, active, stepIndex, answers, opening, segmentIndex, step, answered, awaitingAnswer, correctAnswer, score, open, goToStep, answer, close };
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
