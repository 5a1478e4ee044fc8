// The masks of the open lesson (lib/reveal.ts) for a view: what an unanswered question would give away is
// hidden wherever a view prints a frame's values, states or bytes. Outside lessons, in teacher mode and
// once every question is answered, nothing is hidden.
import { computed, type ComputedRef } from 'vue';
import { Reveal } from '../lib/reveal';
import { useLessonsStore } from '../stores/lessons';

export function useReveal(): ComputedRef<Reveal> {
  const lessons = useLessonsStore();
  return computed(() => {
    const mask = lessons.active ? lessons.state?.mask ?? null : null;
    return mask ? new Reveal(mask) : Reveal.none;
  });
}
