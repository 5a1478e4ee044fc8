// Messages to the user: errors from the back end or the transport (translated by code), and short infos.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { toClientError, type ClientErrorCode } from '../api';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  /** Error code (translated: errors.<code>.title / .hint) or an i18n key for infos. */
  code: ClientErrorCode | string;
  /** What we were doing (i18n key under `actions.`), e.g. "openFile". */
  action?: string;
  /** The back end's own English message, shown as details. */
  detail?: string;
  params?: Record<string, string | number>;
}

export const useNoticesStore = defineStore('notices', () => {
  const items = ref<Notice[]>([]);
  let nextId = 1;

  function push(n: Omit<Notice, 'id'>): number {
    const id = nextId++;
    // The same error repeating (e.g. a reconnect loop) is shown once.
    const same = items.value.find((x) => x.code === n.code && x.action === n.action && x.detail === n.detail);
    if (same) return same.id;
    items.value = [...items.value.slice(-4), { ...n, id }];
    return id;
  }

  /** Reports a failed request. Cancellations the user asked for are not errors. */
  function error(e: unknown, action?: string): void {
    const ce = toClientError(e);
    if (ce.code === 'cancelled') return;
    // Too many wrong answers, or a student's filters took their share of the server's time: the notice
    // says how long to wait (the back end's message carries it).
    const wait = ce.code === 'rate_limited' ? /wait (\d+) s/.exec(ce.message) : null;
    const code = ce.code === 'rate_limited' && action === 'setFilter' ? 'filter_rate_limited' : ce.code;
    push({ kind: 'error', code, action, detail: ce.message, ...(wait ? { params: { seconds: Number(wait[1]) } } : {}) });
  }

  function info(code: string, params?: Record<string, string | number>): number {
    return push({ kind: 'info', code, params });
  }

  function dismiss(id: number): void {
    items.value = items.value.filter((n) => n.id !== id);
  }

  return { items, push, error, info, dismiss };
});
