// One polite live region for the whole app (App.vue renders it): what a screen reader should say when
// something changes without the focus moving, e.g. the stepper moving to the next segment.
import { ref } from 'vue';

const message = ref('');
let timer: ReturnType<typeof setTimeout> | null = null;

/** The live region's text (App.vue binds it). */
export const announcement = message;

/**
 * Says `text` through the live region. The region is emptied first, so the same sentence said twice (the
 * same segment visited again) is announced again.
 */
export function announce(text: string): void {
  message.value = '';
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => { message.value = text; timer = null; }, 50);
}
