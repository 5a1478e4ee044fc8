// Arrow keys move the focus between the items of a group (choices, tabs, toolbar buttons), and only one
// item is in the Tab order: the chosen one, else the first enabled (WAI-ARIA's roving tabindex).
import type { Ref } from 'vue';

const KEYS: Record<string, (i: number, n: number) => number> = {
  ArrowDown: (i, n) => (i + 1) % n,
  ArrowRight: (i, n) => (i + 1) % n,
  ArrowUp: (i, n) => (i - 1 + n) % n,
  ArrowLeft: (i, n) => (i - 1 + n) % n,
  Home: () => 0,
  End: (_i, n) => n - 1,
};

/** Handles the group's keydown: `items` are found inside `root` with `selector` (enabled ones only). */
export function useRovingFocus(root: Ref<HTMLElement | null>, selector: string): { onKeydown: (e: KeyboardEvent) => void; tabIndex: (isCurrent: boolean, index: number, currentIndex: number) => number } {
  function onKeydown(e: KeyboardEvent): void {
    const move = KEYS[e.key];
    const el = root.value;
    if (!move || !el) return;
    const items = Array.from(el.querySelectorAll<HTMLElement>(selector)).filter((x) => !(x as HTMLButtonElement).disabled);
    if (!items.length) return;
    const at = items.indexOf(document.activeElement as HTMLElement);
    const next = items[move(at < 0 ? 0 : at, items.length)];
    e.preventDefault();
    e.stopPropagation();
    next.focus();
  }
  /** 0 for the item that should be reached with Tab (the current one, else the first), -1 for the others. */
  function tabIndex(isCurrent: boolean, index: number, currentIndex: number): number {
    return isCurrent || (currentIndex < 0 && index === 0) ? 0 : -1;
  }
  return { onKeydown, tabIndex };
}
