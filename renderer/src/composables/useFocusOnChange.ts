// Moves the keyboard focus to an element when something the user caused changes what matters on screen
// (a lesson opened, the next question shown, the answer's feedback): the element gets tabindex="-1" in its
// template and is focused after the DOM updates, with no scroll jump when it is already in view.
import { nextTick, watch, type Ref, type WatchSource } from 'vue';

export function useFocusOnChange(source: WatchSource<unknown>, target: () => HTMLElement | null | undefined, when: () => boolean = () => true): void {
  watch(source, async () => {
    if (!when()) return;
    await nextTick();
    const el = target();
    if (el && document.activeElement !== el) el.focus({ preventScroll: false });
  }, { flush: 'post' });
}

export type ElementRef = Ref<HTMLElement | null>;
