// "Make a lesson from this capture": a teacher picks segments on the ladder (each becomes a step), writes
// the texts in both languages and attaches questions by what they ask (a state, a field of the segment,
// where a field's bytes are, who sent it); the back end checks the draft with the same validator as any
// lesson file and computes every answer from the capture. Preview plays it as a student would; Save puts
// it, with a copy of the capture, in the user's lessons folder (desktop) or downloads both (browser).
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Localized } from '../../../main/lessons/schema';
import en from '../i18n/en';
import zh from '../i18n/zh-CN';
import { useClient, useTransport } from '../api';
import { captureDownloadUrl, downloadBlob, downloadUrl } from '../api/files';
import { useLessonsStore } from './lessons';
import { useNoticesStore } from './notices';
import { useStepStore } from './step';

export type DraftKind = 'none' | 'state' | 'number' | 'bytes' | 'sender';

export interface DraftQuestion {
  kind: DraftKind;
  endpoint: 'client' | 'server';
  /** The field asked (number: its value; bytes: where it is). */
  field: string;
  unit: Localized;
  prompt: Localized;
  explanation: Localized;
}

export interface DraftStep {
  frame: number;
  view: '' | 'ladder' | 'states' | 'layers' | 'packets' | 'graphs';
  text: Localized;
  question: DraftQuestion;
}

const empty = (): Localized => ({ en: '', 'zh-CN': '' });
const newQuestion = (): DraftQuestion => ({ kind: 'none', endpoint: 'client', field: '', unit: empty(), prompt: empty(), explanation: empty() });
/** "client"/"server" in both languages, for "who sent it?" choices. */
const who = (w: 'client' | 'server'): Localized => ({ en: en.who[w], 'zh-CN': zh.who[w] });

/** A lesson id from a title: lower-case words and dashes. */
export function slug(title: string): string {
  return title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'my-lesson';
}

export const useAuthorStore = defineStore('author', () => {
  const active = ref(false);
  const id = ref('');
  const title = ref<Localized>(empty());
  const summary = ref<Localized>(empty());
  const steps = ref<DraftStep[]>([]);
  const problems = shallowRef<string[]>([]);
  const answers = shallowRef<(Localized | null)[]>([]);
  const captureName = ref<string | null>(null);
  const busy = ref(false);
  /** The draft changed since it was last checked. */
  const dirty = ref(true);

  const lessonId = computed(() => id.value.trim() || slug(title.value.en));

  function start(): void {
    active.value = true;
    if (!steps.value.length) addCurrent();
  }

  function stop(): void {
    active.value = false;
  }

  /** The segment the ladder is on becomes a step (in capture order). */
  function addCurrent(): void {
    const frame = useStepStore().current?.frame;
    if (!frame || steps.value.some((s) => s.frame === frame)) return;
    const step: DraftStep = { frame, view: '', text: empty(), question: newQuestion() };
    steps.value = [...steps.value, step].sort((a, b) => a.frame - b.frame);
    dirty.value = true;
  }

  function remove(i: number): void {
    steps.value = steps.value.filter((_, k) => k !== i);
    dirty.value = true;
  }

  function question(q: DraftQuestion): Record<string, unknown> | undefined {
    const common = { prompt: q.prompt, explanation: q.explanation };
    switch (q.kind) {
      case 'none': return undefined;
      case 'state': return { kind: 'state', endpoint: q.endpoint, ...common };
      case 'number': return { kind: 'number', value: { field: q.field }, ...(q.unit.en || q.unit['zh-CN'] ? { unit: q.unit } : {}), ...common };
      case 'bytes': return { kind: 'bytes', field: q.field, ...common };
      case 'sender': return {
        kind: 'choice', value: { derived: 'sender' }, ...common,
        choices: (['client', 'server'] as const).map((w) => ({ id: w, text: who(w), value: { const: w } })),
      };
    }
  }

  /** The lesson file as it will be saved (the back end names its capture). */
  function toLesson(): Record<string, unknown> {
    return {
      id: lessonId.value,
      title: title.value,
      summary: summary.value,
      steps: steps.value.map((s) => {
        const q = question(s.question);
        return { frame: s.frame, ...(s.view ? { view: s.view } : {}), text: s.text, ...(q ? { question: q } : {}) };
      }),
    };
  }

  /** The validator's problems and each question's answer, from the back end. */
  async function check(): Promise<boolean> {
    busy.value = true;
    try {
      const r = await useClient().checkLesson({ lesson: toLesson() });
      problems.value = r.problems;
      answers.value = r.answers;
      captureName.value = r.capture;
      dirty.value = false;
      return r.problems.length === 0;
    } catch (e) {
      useNoticesStore().error(e, 'checkLesson');
      return false;
    } finally {
      busy.value = false;
    }
  }

  async function preview(): Promise<void> {
    if (!(await check())) return;
    try {
      await useLessonsStore().preview(await useClient().previewLesson({ lesson: toLesson() }));
    } catch (e) {
      useNoticesStore().error(e, 'previewLesson');
    }
  }

  /** Desktop: into the user's lessons folder. Browser: the lesson file and its capture are downloaded. */
  async function save(): Promise<void> {
    if (!(await check())) return;
    const lesson = { ...toLesson(), capture: captureName.value };
    try {
      if (useTransport().transport === 'websocket') {
        downloadBlob(new Blob([`${JSON.stringify(lesson, null, 2)}\n`], { type: 'application/json' }), `${lessonId.value}.json`);
        if (captureName.value) downloadUrl(captureDownloadUrl(), captureName.value);
        useNoticesStore().info('author.downloaded', { id: lessonId.value });
      } else {
        await useClient().saveLesson({ lesson });
        useNoticesStore().info('author.saved', { id: lessonId.value });
        await useLessonsStore().refresh();
      }
    } catch (e) {
      useNoticesStore().error(e, 'saveLesson');
    }
  }

  function touched(): void {
    dirty.value = true;
  }

  return { active, id, title, summary, steps, problems, answers, captureName, busy, dirty, lessonId, start, stop, addCurrent, remove, toLesson, check, preview, save, touched };
});
