// What the app is connected to and doing: app info, capture status, counters, load progress, link state.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AppInfo, CaptureStatus, Counters, LinkState, LoadProgress, StatusSnapshot } from '../api';

const ZERO: Counters = { captured: 0, decoded: 0, droppedByKernel: 0, droppedByUs: 0, skippedPush: 0, missedSegments: 0 };

export const useAppStore = defineStore('app', () => {
  const info = shallowRef<AppInfo | null>(null);
  const capture = shallowRef<CaptureStatus>({ state: 'idle', source: null });
  const counters = shallowRef<Counters>(ZERO);
  /** Frames stored in total (the view's total lives in the packets store). */
  const total = ref(0);
  const progress = shallowRef<LoadProgress | null>(null);
  const upload = shallowRef<{ name: string; sent: number; total: number } | null>(null);
  const link = ref<LinkState>('connecting');
  const retryInMs = ref(0);
  /** A long action in flight (its i18n key under `busy.`), to disable buttons and show a spinner. */
  const busy = ref<string | null>(null);

  const loading = computed(() => upload.value !== null || (progress.value !== null && !progress.value.done));
  const live = computed(() => capture.value.state === 'running' && capture.value.source !== 'file');
  const hasCapture = computed(() => total.value > 0 || capture.value.state === 'running' || loading.value);

  function applySnapshot(s: StatusSnapshot): void {
    capture.value = s.capture;
    counters.value = s.counters;
    total.value = s.total;
  }

  function applyStatus(p: { capture: CaptureStatus; counters: Counters }): void {
    capture.value = p.capture;
    counters.value = p.counters;
    total.value = Math.max(total.value, p.counters.decoded);
  }

  function applyProgress(p: LoadProgress): void {
    progress.value = p.done ? null : p;
    if (p.frames > total.value) total.value = p.frames;
  }

  function reset(): void {
    total.value = 0;
    counters.value = ZERO;
  }

  return { info, capture, counters, total, progress, upload, link, retryInMs, busy, loading, live, hasCapture, applySnapshot, applyStatus, applyProgress, reset };
});
