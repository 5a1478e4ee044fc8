// The user's display choices, remembered across sessions: language, theme, large fonts, view options.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

export type Locale = 'en' | 'zh-CN';
export type Theme = 'light' | 'dark';
export const LOCALES: Locale[] = ['en', 'zh-CN'];

const KEY = 'handshake-lab.settings';

export type LadderMode = 'rows' | 'time';

interface Saved {
  locale?: Locale; theme?: Theme; largeText?: boolean; tab?: string; sidebar?: boolean | null; ladderMode?: LadderMode; timeZoom?: number;
  panes?: Record<string, number>; columns?: Record<string, number>;
}

/** Sizes (px) and widths (characters) must be sane numbers; anything else in storage is dropped. */
function sizes(x: unknown, max: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= max) out[k] = v;
  return out;
}

function load(): Saved {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}') as Saved;
  } catch {
    return {};
  }
}

/** zh, zh-CN, zh-Hans… → zh-CN; everything else → en. */
export function pickLocale(...candidates: (string | undefined | null)[]): Locale {
  for (const c of candidates) {
    if (!c) continue;
    if (/^zh\b/i.test(c)) return 'zh-CN';
    if (/^en\b/i.test(c)) return 'en';
  }
  return 'en';
}

export const useSettingsStore = defineStore('settings', () => {
  const saved = load();
  const locale = ref<Locale>(saved.locale ?? pickLocale(globalThis.navigator?.language));
  const localeChosen = ref(saved.locale !== undefined);
  const prefersDark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  const theme = ref<Theme>(saved.theme ?? (prefersDark ? 'dark' : 'light'));
  const largeText = ref(saved.largeText ?? false);
  const tab = ref(saved.tab ?? 'ladder');
  /**
   * The connections list beside the views: shown, hidden, or null (automatic: shown when the window has
   * room for it beside the views, which at large text means a wide window).
   */
  const sidebar = ref<boolean | null>(typeof saved.sidebar === 'boolean' ? saved.sidebar : null);
  /** Sizes of resizable panes (px), by name; and the packet list's column widths (characters), by column. */
  const panes = ref<Record<string, number>>(sizes(saved.panes, 4000));
  const columns = ref<Record<string, number>>(sizes(saved.columns, 200));
  /** The ladder: one row per segment, or each segment at its time (zoomed in by timeZoom). */
  const ladderMode = ref<LadderMode>(saved.ladderMode === 'time' ? 'time' : 'rows');
  const timeZoom = ref(typeof saved.timeZoom === 'number' && saved.timeZoom >= 1 && saved.timeZoom <= 64 ? saved.timeZoom : 1);

  function save(): void {
    try {
      globalThis.localStorage?.setItem(KEY, JSON.stringify({ locale: localeChosen.value ? locale.value : undefined, theme: theme.value, largeText: largeText.value, tab: tab.value, sidebar: sidebar.value, ladderMode: ladderMode.value, timeZoom: timeZoom.value, panes: panes.value, columns: columns.value }));
    } catch { /* private mode: not remembered */ }
  }
  watch([locale, theme, largeText, tab, sidebar, ladderMode, timeZoom, panes, columns], save, { deep: true });

  function setLocale(l: Locale): void {
    locale.value = l;
    localeChosen.value = true;
    save();
  }

  /** The OS/browser locale from the back end, used unless the user picked a language. */
  function suggestLocale(l: string | undefined): void {
    if (!localeChosen.value) locale.value = pickLocale(l, globalThis.navigator?.language);
  }

  function toggleTheme(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
  }

  /** A pane's size: the one the user set, else the default. */
  function pane(name: string, fallback: number): number {
    return panes.value[name] ?? fallback;
  }
  function setPane(name: string, px: number): void {
    panes.value = { ...panes.value, [name]: px };
  }

  return { locale, theme, largeText, tab, sidebar, ladderMode, timeZoom, panes, columns, pane, setPane, setLocale, suggestLocale, toggleTheme };
});
