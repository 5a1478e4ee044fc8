// Says each step through the live region: which segment, its direction and label, and both endpoints'
// states after it. In a lesson it says only what the views show: what an unanswered question would give away
// (the segment as a whole, a value in its label, a state) is masked here too (lib/reveal.ts), so a screen
// reader does not hear an answer the screen hides.
import { watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { segmentLabel } from '../lib/ladder-geometry';
import { MASK } from '../lib/reveal';
import { useLadderStore } from '../stores/ladder';
import { useStepStore } from '../stores/step';
import { announce } from './useAnnouncer';
import { useReveal } from './useReveal';

export function useStepAnnouncer(): void {
  const { t } = useI18n();
  const step = useStepStore();
  const ladder = useLadderStore();
  const reveal = useReveal();
  watch(() => [step.index, step.current?.frame, reveal.value] as const, ([index, frame], old) => {
    const seg = step.current;
    if (!seg || step.index < 0) return;
    // A new mask alone (an answer given) says the step again only when it shows something new.
    if (old && old[0] === index && old[1] === frame && old[2].active && reveal.value.active) return;
    const x = reveal.value;
    const whole = x.frameMasked(seg.frame);
    const parts = [
      t('a11y.step', { n: step.index + 1, total: step.total, frame: seg.frame }),
      whole ? MASK : t(`now.dir.${seg.direction}`),
      whole ? MASK : x.text(seg.frame, segmentLabel(seg, ladder.relative)),
    ];
    const client = x.stateMasked('client', seg.frame);
    const server = x.stateMasked('server', seg.frame);
    parts.push(client && server ? t('a11y.statesHidden') : t('a11y.states', { client: client ? MASK : seg.states.client, server: server ? MASK : seg.states.server }));
    announce(parts.join('. '));
  });
}
