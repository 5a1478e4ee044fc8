// Says each step through the live region: which segment, its direction and label, and both endpoints'
// states after it (not while a lesson asks to predict them).
import { watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { segmentLabel } from '../lib/ladder-geometry';
import { useLadderStore } from '../stores/ladder';
import { useLessonsStore } from '../stores/lessons';
import { useStepStore } from '../stores/step';
import { announce } from './useAnnouncer';

export function useStepAnnouncer(): void {
  const { t } = useI18n();
  const step = useStepStore();
  const ladder = useLadderStore();
  const lessons = useLessonsStore();
  watch(() => [step.index, step.current?.frame, lessons.awaitingAnswer] as const, () => {
    const seg = step.current;
    if (!seg || step.index < 0) return;
    const parts = [
      t('a11y.step', { n: step.index + 1, total: step.total, frame: seg.frame }),
      t(`now.dir.${seg.direction}`),
      segmentLabel(seg, ladder.relative),
    ];
    parts.push(lessons.awaitingAnswer ? t('a11y.statesHidden') : t('a11y.states', { client: seg.states.client, server: seg.states.server }));
    announce(parts.join('. '));
  });
}
