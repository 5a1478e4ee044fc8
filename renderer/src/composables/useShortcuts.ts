// Keyboard shortcuts for the step controls and the app. Ignored while typing in a field.
import { onBeforeUnmount, onMounted } from 'vue';

export type ShortcutMap = Record<string, (e: KeyboardEvent) => void>;

/** Keys as "Space", "ArrowLeft", "Home", "Ctrl+o", "Shift+?" … */
export function keyName(e: KeyboardEvent): string {
  const k = e.key === ' ' ? 'Space' : e.key.length === 1 ? e.key.toLowerCase() : e.key;
  return `${e.ctrlKey || e.metaKey ? 'Ctrl+' : ''}${e.altKey ? 'Alt+' : ''}${k}`;
}

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable;
}

export function useShortcuts(map: ShortcutMap): void {
  const onKey = (e: KeyboardEvent): void => {
    if (e.defaultPrevented) return; // already handled (e.g. arrow keys moving between tabs)
    const name = keyName(e);
    const fn = map[name];
    if (!fn) return;
    // Ctrl shortcuts work everywhere; single keys only outside text fields (and not on buttons for Space/Enter).
    if (!name.startsWith('Ctrl+') && isTyping(e.target)) return;
    if (name === 'Space' && (e.target as HTMLElement | null)?.tagName?.toLowerCase() === 'button') return;
    e.preventDefault();
    fn(e);
  };
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
