// Lesson mode as the page plays it: the catalogue the back end lists (with this learner's completion marks),
// the open lesson's texts (never its answers), and where the learner is in it, as the back end decides:
// each answer goes to the back end to be graded and recorded, and while a question is not answered right
// the back end sends nothing after its step's segment and says what the views mask (useReveal). The page
// only follows: it moves the ladder to the step, locks stepping while a question is open, and re-pulls
// the views when the gate moves on. The back end sends the lesson's steps only up to the open question's
// (a later step's text or frame would answer it): when the gate moves on, the page gets the lesson again
// and the next steps come. A reload resumes the lesson (its id is kept in sessionStorage).
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { LessonPlay, LessonState, LessonSummary, Localized } from '../../../main/api/types';
import type { GivenAnswer } from '../../../main/lessons/answers';
import { useClient, type Field, type TcpState } from '../api';
import { useAppStore } from './app';
import { useConnectionsStore } from './connections';
import { useLadderStore } from './ladder';
import { useNoticesStore } from './notices';
import { usePacketsStore } from './packets';
import { useSelectionStore } from './selection';
import { useSettingsStore } from './settings';
import { useStepStore } from './step';

const OPEN_KEY = 'handshake-lab.lesson';

/** The last answer given at a step: graded by the back end, with the text aimed at it. */
export interface Outcome {
  correct: boolean;
  feedback: Localized | null;
}

export const useLessonsStore = defineStore('lessons', () => {
  const catalogue = shallowRef<LessonSummary[]>([]);
  const play = shallowRef<LessonPlay | null>(null);
  const state = shallowRef<LessonState | null>(null);
  const active = computed(() => play.value?.lesson ?? null);
  /** How many steps the lesson has (the progress display); `active` holds the ones sent so far. */
  const stepCount = computed(() => play.value?.stepCount ?? 0);
  const stepIndex = computed(() => state.value?.step ?? 0);
  const opening = ref(false);
  const busy = ref(false);
  /** Index of each step's segment within its connection's ladder (-1: not there, or not sent yet). */
  const segmentIndex = ref<number[]>([]);
  const outcomes = ref<Record<number, Outcome>>({});
  /** The summary is on screen (after Finish). */
  const finished = ref(false);
  /** Teacher mode as asked (the back end's word is state.teacher once a lesson is open). */
  const teacherWanted = ref(false);
  /** The lesson on screen is a draft being written (Make a lesson), played as a student would. */
  const previewing = ref(false);
  /** The state or choice the learner picked last at this step (in the panel or on the state diagram). */
  const lastPick = ref<string | null>(null);
  /** A bytes question's range as picked in the hex view (offsets, both inclusive), shown in the panel's inputs. */
  const byteDraft = ref<{ first: number; last: number } | null>(null);
  let textSizeBefore: boolean | null = null;

  const step = computed(() => active.value?.steps[stepIndex.value] ?? null);
  const status = computed(() => state.value?.questions[stepIndex.value] ?? null);
  const teacher = computed(() => state.value?.teacher ?? teacherWanted.value);
  /** The current step asks a question not answered right yet: nothing may move on until it is. */
  const awaitingAnswer = computed(() => !!status.value && status.value.available && !status.value.solved && !teacher.value);
  const score = computed(() => state.value?.score ?? { right: 0, answered: 0, total: 0 });
  const outcome = computed<Outcome | null>(() => outcomes.value[stepIndex.value] ?? null);
  const last = computed(() => !!active.value && stepIndex.value >= stepCount.value - 1);
  const question = computed(() => step.value?.question ?? null);
  /** The segment a bytes question asks about: the hex view picks byte ranges there instead of fields. */
  const bytesFrame = computed(() => (awaitingAnswer.value && question.value?.kind === 'bytes' ? play.value?.steps[stepIndex.value]?.frame ?? null : null));
  /** The states a state question offers, while it is open: the state diagram's boxes answer it too. */
  const statesOffered = computed(() => (awaitingAnswer.value && question.value?.kind === 'state' ? question.value.states ?? [] : []));
  watch(stepIndex, () => { lastPick.value = null; byteDraft.value = null; });

  /** Picks a state or a choice: sent at once to be graded. */
  function choose(id: string): void {
    if (!awaitingAnswer.value || busy.value) return;
    lastPick.value = id;
    void answer(id);
  }

  /** A click on a byte of the asked segment: starts a range there, or (shift) stretches it to that byte. */
  function pickByte(offset: number, extend: boolean): void {
    if (bytesFrame.value === null) return;
    const d = byteDraft.value;
    byteDraft.value = extend && d ? { first: Math.min(d.first, offset), last: Math.max(d.first, offset) } : { first: offset, last: offset };
  }

  /** The back end's lessons (refreshed when the lesson menu opens, so new files and marks show up). */
  async function refresh(): Promise<void> {
    try {
      catalogue.value = await useClient().listLessons();
    } catch (e) {
      useNoticesStore().error(e, 'listLessons');
    }
  }

  function remember(id: string | null): void {
    try {
      if (id) globalThis.sessionStorage?.setItem(OPEN_KEY, id);
      else globalThis.sessionStorage?.removeItem(OPEN_KEY);
    } catch { /* storage off: no resuming after a reload */ }
  }

  function clear(): void {
    previewing.value = false;
    play.value = null;
    state.value = null;
    outcomes.value = {};
    lastPick.value = null;
    byteDraft.value = null;
    segmentIndex.value = [];
    finished.value = false;
  }

  /** Openings asked for: one overtaken by a later one (the back end answers it `cancelled`) leaves the store to it. */
  let opens = 0;

  async function open(id: string): Promise<void> {
    const client = useClient();
    const mine = ++opens;
    opening.value = true;
    clear();
    remember(id);
    try {
      await client.openLesson({ id });
      await until(() => !useAppStore().loading, 60_000);
      if (mine !== opens) return;
      await load(id);
    } catch (e) {
      if (mine !== opens) return;
      useNoticesStore().error(e, 'openLesson');
      clear();
      remember(null);
    } finally {
      if (mine === opens) opening.value = false;
    }
  }

  /** Takes up the open lesson where the back end has it (after opening, or after a reload). */
  async function load(id: string): Promise<void> {
    await take(await useClient().getLesson({ id }));
  }

  /** Shows a lesson as the back end laid it over the capture, at the learner's step. */
  async function take(p: LessonPlay): Promise<void> {
    play.value = p;
    state.value = p.state;
    segmentIndex.value = p.steps.map(() => -1);
    useStepStore().reset();
    await refreshViews();
    await showStep(p.state.step);
  }

  /**
   * After a reload: the lesson this tab had open (`known`: the one its resumed session is in, else the
   * one sessionStorage remembers), taken up where the back end has it, else opened again (a new session
   * of the same learner resumes at the learner's step and gate).
   */
  async function resume(known: string | null = null): Promise<void> {
    let id: string | null = known;
    try {
      id ??= globalThis.sessionStorage?.getItem(OPEN_KEY) ?? null;
    } catch { /* no storage */ }
    if (!id || active.value || opening.value) return;
    opening.value = true;
    try {
      await load(id);
    } catch {
      opening.value = false;
      await open(id);
    } finally {
      opening.value = false;
    }
  }

  /**
   * The gate moved (or the lesson opened): the back end sends more (or other) frames now, so the views pull
   * again what they show: connections, the packet list, the ladder of the step's connection, the detail.
   */
  async function refreshViews(): Promise<void> {
    const p = play.value;
    if (!p) return;
    await pullRows();
    const stream = p.steps[stepIndex.value]?.stream ?? p.steps.find((s) => s.stream !== null)?.stream ?? 0;
    await showStream(stream, true);
    const sel = useSelectionStore();
    const frame = sel.frame;
    sel.reset();
    if (frame !== null) void sel.select(frame);
  }

  /** Loads a connection's ladder (a step may show another connection of the capture, e.g. a refused attempt). */
  async function showStream(stream: number, force = false): Promise<void> {
    const ladder = useLadderStore();
    if (ladder.stream !== stream || force) {
      const index = useStepStore().index;
      const loading = ladder.load(stream, true);
      useConnectionsStore().select(stream);
      await loading;
      if (index >= 0 && index < ladder.total) useStepStore().index = index;
    }
    await ladder.ensure(0, ladder.total - 1);
    await placeSteps();
  }

  /** Where each step's segment is in the ladder on screen (-1: another connection, or not there). */
  async function placeSteps(): Promise<void> {
    const p = play.value;
    if (!p) return;
    const ladder = useLadderStore();
    const out: number[] = [];
    for (const s of p.steps) out.push(s.stream === ladder.stream && s.frame !== null ? await ladder.indexOfFrame(s.frame) : -1);
    segmentIndex.value = out;
  }

  /**
   * Takes a state the back end answered with. When it shows another number of steps (the gate moved on,
   * or teacher mode changed), the lesson is got again: its steps up to the new gate come with it. True
   * when the steps changed (their places on the ladder are then to be found again).
   */
  async function follow(next: LessonState): Promise<boolean> {
    const p = play.value;
    if (!p || next.shown === p.steps.length) {
      state.value = next;
      return false;
    }
    const fresh = await useClient().getLesson({ id: p.lesson.id });
    // Closed, or another lesson opened, meanwhile.
    if (play.value !== p) return false;
    play.value = fresh;
    state.value = fresh.state;
    return true;
  }

  /** Moves the ladder (and everything that follows it) to step i's segment. */
  async function showStep(i: number, keepTab = false): Promise<void> {
    const p = play.value;
    if (!p) return;
    const target = p.steps[i];
    if (target && target.stream !== null && target.stream !== useLadderStore().stream) await showStream(target.stream);
    const idx = segmentIndex.value[i];
    const stepStore = useStepStore();
    stepStore.pause();
    const view = p.lesson.steps[i]?.view;
    if (view && !keepTab) useSettingsStore().tab = view;
    if (idx === undefined || idx < 0) return;
    // Arriving from the step before is a single step: animate the segment travelling.
    await stepStore.goTo(idx, { animate: idx === stepStore.index + 1 || idx === 0 });
    await highlight(i);
  }

  /** What the step points at: a field (its tree item and bytes), a byte range or a layer of its segment. */
  async function highlight(i: number): Promise<void> {
    const h = play.value?.lesson.steps[i]?.highlight;
    const frame = play.value?.steps[i]?.frame;
    if (!h || !frame) return;
    const sel = useSelectionStore();
    await until(() => sel.detail?.frame.frame === frame || !sel.loading, 5000);
    const d = sel.detail?.frame;
    if (!d || d.frame !== frame) return;
    // Where a field's bytes are is not shown while a question asks it.
    const places = !(state.value?.mask?.byteLinks.includes(frame) ?? false);
    if (h.layer) {
      const at = d.layers.findIndex((l) => l.protocol === h.layer);
      if (at >= 0) sel.selectLayer(at);
    }
    if (h.field && places) {
      const f = findField(d.layers.flatMap((l) => l.fields), h.field);
      if (f) sel.selectItem({ name: f.name, offset: f.offset, length: f.length });
    }
    if (h.bytes && places) sel.selectItem({ name: '', offset: h.bytes.offset, length: h.bytes.length });
  }

  /** Goes to a step: the back end says whether this learner may (not past a question not answered right). */
  async function goToStep(i: number): Promise<void> {
    const p = play.value;
    const s = state.value;
    if (!p || !s) return;
    const n = Math.max(0, Math.min(p.stepCount - 1, i));
    finished.value = false;
    try {
      if (n !== s.step && (await follow(await useClient().lessonProgress({ lesson: p.lesson.id, step: n })))) await placeSteps();
    } catch (e) {
      useNoticesStore().error(e, 'lessonProgress');
      return;
    }
    await showStep(n);
  }

  /** Sends an answer to the current question; the back end grades it. */
  async function answer(given: GivenAnswer): Promise<void> {
    const p = play.value;
    const s = state.value;
    if (!p || !s || busy.value) return;
    busy.value = true;
    try {
      const r = await useClient().answerQuestion({ lesson: p.lesson.id, step: s.step, answer: given as string | number | [number, number] | string[] });
      outcomes.value = { ...outcomes.value, [s.step]: { correct: r.correct, feedback: r.feedback } };
      // A moved gate sends the next steps too (follow gets them).
      const grown = await follow(r.state);
      const now = state.value ?? r.state;
      // A moved gate sends more frames; a smaller mask, values the back end redacted before: pull them again.
      if (now.horizon !== s.horizon || !sameMask(now, s)) {
        await refreshViews();
        // The learner stays in the view answered from (the state diagram, the hex view).
        await showStep(now.step, true);
      } else if (grown) await placeSteps();
    } catch (e) {
      useNoticesStore().error(e, 'answerQuestion');
    } finally {
      busy.value = false;
    }
  }

  /** Teacher mode: navigation free, answers shown, the large font (back as it was when it ends). */
  async function setTeacher(on: boolean): Promise<void> {
    const settings = useSettingsStore();
    try {
      await useClient().setTeacherMode({ on });
    } catch (e) {
      useNoticesStore().error(e, 'setTeacherMode');
      return;
    }
    teacherWanted.value = on;
    if (on && textSizeBefore === null) { textSizeBefore = settings.largeText; settings.largeText = true; }
    if (!on && textSizeBefore !== null) { settings.largeText = textSizeBefore; textSizeBefore = null; }
    const p = play.value;
    if (!p) return;
    const before = state.value;
    // Teacher mode shows every step; off, the steps up to the gate again.
    const fresh = await useClient().getLesson({ id: p.lesson.id });
    if (play.value !== p) return;
    play.value = fresh;
    state.value = fresh.state;
    if (!before || fresh.state.horizon !== before.horizon || !sameMask(fresh.state, before)) {
      await refreshViews();
      await showStep(fresh.state.step);
    } else await placeSteps();
  }

  /** Plays a draft the back end has laid over the capture on screen (nothing is loaded). */
  async function preview(p: LessonPlay): Promise<void> {
    clear();
    previewing.value = true;
    await take(p);
  }

  function finish(): void {
    if (!awaitingAnswer.value) finished.value = true;
  }

  /** Leaves the lesson. A preview's gate goes with it (the back end keeps a lesson's until it is answered). */
  function close(): void {
    const wasPreview = previewing.value;
    clear();
    remember(null);
    void refresh();
    void useClient().closeLesson().then((r) => { if (r.closed || wasPreview) void reloadViews(); }, () => undefined);
  }

  /** The packet list and the connections, pulled again (what the back end sends changed). */
  async function pullRows(): Promise<void> {
    const status = await useClient().getStatus();
    useAppStore().applySnapshot(status);
    const packets = usePacketsStore();
    packets.reset();
    packets.grow(status.viewTotal);
    await useConnectionsStore().refresh();
  }

  /** After a preview: the whole capture again, as the views show it outside lessons. */
  async function reloadViews(): Promise<void> {
    await pullRows();
    const ladder = useLadderStore();
    if (ladder.stream !== null) await ladder.load(ladder.stream, true);
  }

  // Stepping by other means (step controls, a click on the ladder) keeps the lesson's step in line with the
  // segment shown: the back end is told, so a reload resumes there.
  watch(() => useStepStore().index, (idx) => {
    const p = play.value;
    const s = state.value;
    if (!p || !s || opening.value) return;
    const ladderStream = useLadderStore().stream;
    const here = (i: number) => segmentIndex.value[i] === idx && p.steps[i].stream === ladderStream;
    // Several steps may show one frame: stay on the current one, else take the first of them.
    if (here(s.step)) return;
    const at = segmentIndex.value.findIndex((_, i) => here(i));
    if (at < 0) return;
    useClient().lessonProgress({ lesson: p.lesson.id, step: at }).then(async (x) => { if (await follow(x)) await placeSteps(); }, (e: unknown) => useNoticesStore().error(e, 'lessonProgress'));
  });

  return {
    catalogue, play, state, active, stepCount, stepIndex, opening, busy, segmentIndex, outcomes, finished, previewing, step, status, teacher, awaitingAnswer,
    score, outcome, last, refresh, open, resume, preview, goToStep, answer, setTeacher, finish, close,
    question, lastPick, byteDraft, bytesFrame, statesOffered, choose, pickByte,
  };
});

/** Whether two lesson states mask the same (the back end redacts what the mask covers from what it sends). */
function sameMask(a: LessonState, b: LessonState): boolean {
  return JSON.stringify(a.mask) === JSON.stringify(b.mask);
}

function findField(fields: readonly Field[], name: string): Field | null {
  for (const f of fields) {
    if (f.name === name) return f;
    const inner = findField(f.children, name);
    if (inner) return inner;
  }
  return null;
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
