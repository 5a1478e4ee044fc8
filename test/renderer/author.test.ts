// @vitest-environment happy-dom
// "Make a lesson from this capture" in the page, over the back end's real validator and engine (fake
// client): a segment picked on the ladder becomes a step, a question on one of its fields shows the
// answer the engine computes after Check, the validator's problems are listed, Preview plays the draft
// as a student, and Save sends the lesson with its capture's name.
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.vue';
import { useStepStore } from '../../renderer/src/stores/step';
import { useLessonsStore } from '../../renderer/src/stores/lessons';
import { answerText, computeAnswer, parseLesson } from '../../main/lessons/index';
import { authorBackEnd } from './lesson-plays';
import { fixture, harness, mountWith, settle, type Harness } from './helpers';

let h: Harness | null = null;
afterEach(() => { h?.stop(); h = null; document.body.innerHTML = ''; });

describe('making a lesson from the capture on screen', () => {
  it('steps from the ladder, answers from the engine, the validator\'s problems, preview and save', async () => {
    const author = authorBackEnd('classic-linux.pcap');
    h = await harness(fixture('classic'), { author });
    const w = await mountWith(App, h);
    await w.get('[data-testid=lessons-menu]').trigger('click');
    await w.get('[data-testid=make-lesson]').trigger('click');
    await settle();
    expect(w.find('[data-testid=lesson-author]').exists()).toBe(true);
    // The ladder on frame 2: that segment becomes the second step.
    await useStepStore().goTo(1);
    await settle();
    await w.get('[data-testid=author-add]').trigger('click');
    await settle();
    expect(w.findAll('[data-testid^=author-step-]').map((s) => s.attributes('data-frame'))).toEqual(['1', '2']);
    const fill = async (sel: string, v: string) => { await w.get(`[data-testid=${sel}]`).setValue(v); };
    await fill('author-title-en', 'My handshake');
    await fill('author-title-zh', '我的握手');
    await fill('author-summary-en', 'Made here');
    await fill('author-summary-zh', '在这里制作');
    for (const i of [0, 1]) { await fill(`author-text-en-${i}`, `Step ${i}`); await fill(`author-text-zh-${i}`, `第 ${i} 步`); }
    await w.get('[data-testid=author-kind-1]').setValue('number');
    await settle();
    await w.get('[data-testid=author-field-1]').setValue('tcp.ack');
    await fill('author-prompt-en-1', 'Which Ack?');
    await fill('author-explanation-en-1', 'Seq + 1.');
    // Something missing: the validator says what.
    await w.get('[data-testid=author-check]').trigger('click');
    await settle();
    expect(w.get('[data-testid=author-problems]').text()).toContain('steps[1].question.prompt.zh-CN: the zh-CN text is empty');
    await fill('author-prompt-zh-1', '哪个 Ack？');
    await fill('author-explanation-zh-1', 'Seq + 1。');
    await w.get('[data-testid=author-check]').trigger('click');
    await settle();
    // The engine's answer: the same question asked in a lesson file of its own.
    const x = { en: 'x', 'zh-CN': 'x' };
    const parsed = parseLesson({ id: 'ref', title: x, summary: x, capture: 'x.pcap', steps: [{ frame: 2, text: x, question: { kind: 'number', value: { field: 'tcp.ack' }, prompt: x, explanation: x } }] });
    if (!parsed.ok) throw new Error('bad reference lesson');
    const right = answerText(parsed.lesson.steps[0].question!, computeAnswer(parsed.lesson, 0, author.capture), 'en');
    expect(w.get('[data-testid=author-problems]').text()).toBe('No problems: the lesson is ready to save.');
    expect(w.get('[data-testid=author-answer-1]').text()).toBe(`Answer, from the capture: ${right}`);
    // Preview: played as a student (its question holds the gate), then back to editing.
    await w.get('[data-testid=author-preview]').trigger('click');
    await settle(6);
    const lessons = useLessonsStore();
    expect(lessons.previewing).toBe(true);
    expect(w.get('[data-testid=lesson-panel] h2').text()).toBe('My handshake');
    await lessons.goToStep(1);
    await settle();
    expect(lessons.awaitingAnswer).toBe(true);
    await w.get('[data-testid=lesson-close]').trigger('click');
    await settle();
    expect(w.find('[data-testid=lesson-author]').exists()).toBe(true);
    // Save: the lesson the back end is given names its capture.
    await w.get('[data-testid=author-save]').trigger('click');
    await settle();
    expect(author.saved).toHaveLength(1);
    expect(author.saved[0]).toMatchObject({ id: 'my-handshake', capture: 'my-handshake.pcap', steps: [{ frame: 1 }, { frame: 2, question: { kind: 'number', value: { field: 'tcp.ack' } } }] });
    w.unmount();
  });
});
