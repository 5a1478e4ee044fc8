// Step controls: the position within the selected connection's segments, and play/pause with a speed.
// The ladder, the state machine and the layers view all follow `index`; `travelId` changes each time a
// segment should be animated travelling (a single step forward), not on jumps.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { EndpointStates, LadderSegment } from '../api';
import { useLadderStore } from './ladder';
import { useSelectionStore } from './selection';
import { useLessonsStore } from './lessons';

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;
/** Time a segment takes to travel at speed 1, and the pause after it while playing. */
const TRAVEL_MS = 900;
const DWELL_MS = 500;

export const useStepStore = defineStore('step', () => {
  const ladder = useLadderStore();
  const index = ref(-1);
  const playing = ref(false);
  const speed = ref<number>(1);
  const travelId = ref(0);
  /** Reduced motion (OS setting or the user's choice): no travel animation. */
  const reducedMotion = ref(typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches);
  let timer: ReturnType<typeof setTimeout> | null = null;

  const travelMs = computed(() => (reducedMotion.value ? 0 : Math.round(TRAVEL_MS / speed.value)));
  const total = computed(() => ladder.total);
  const current = computed<LadderSegment | undefined>(() => ladder.segmentAt(index.value));
  const atStart = computed(() => index.value <= 0);
  const atEnd = computed(() => index.value >= ladder.total - 1);

  /** Both endpoints' states just before the current segment. */
  const statesBefore = computed<EndpointStates | null>(() => {
    if (index.value < 0 || !ladder.total) return null;
    if (index.value === 0) return ladder.initialStates();
    return ladder.segmentAt(index.value - 1)?.states ?? null;
  });

  async function goTo(i: number, opts: { animate?: boolean } = {}): Promise<void> {
    if (!ladder.total) { index.value = -1; return; }
    const target = Math.max(0, Math.min(ladder.total - 1, i));
    await ladder.ensure(target, target);
    index.value = target;
    if (opts.animate) travelId.value++;
    const seg = ladder.segmentAt(target);
    if (seg) void useSelectionStore().select(seg.frame);
  }

  /** A lesson's question is open: the student answers before anything moves (Home, ←, →, End, Space). */
  function blocked(): boolean {
    return useLessonsStore().awaitingAnswer;
  }

  async function forward(): Promise<void> {
    if (atEnd.value || blocked()) { pause(); return; }
    await goTo(index.value + 1, { animate: true });
  }

  const unlessBlocked = (to: () => number) => async (): Promise<void> => { if (!blocked()) await goTo(to()); };
  const back = unlessBlocked(() => index.value - 1);
  const first = unlessBlocked(() => 0);
  const last = unlessBlocked(() => ladder.total - 1);

  function play(): void {
    if (playing.value || blocked()) return;
    if (atEnd.value) void goTo(0);
    playing.value = true;
    tick();
  }

  function tick(): void {
    timer = setTimeout(async () => {
      if (!playing.value) return;
      await forward();
      if (playing.value && !atEnd.value && !blocked()) tick();
      else playing.value = false;
    }, index.value < 0 ? 0 : travelMs.value + Math.round(DWELL_MS / speed.value));
  }

  function pause(): void {
    playing.value = false;
    if (timer) { clearTimeout(timer); timer = null; }
  }

  function toggle(): void {
    if (playing.value) pause(); else play();
  }

  function setSpeed(s: number): void {
    speed.value = s;
  }

  function slower(): void {
    const i = SPEEDS.indexOf(speed.value as (typeof SPEEDS)[number]);
    speed.value = SPEEDS[Math.max(0, i - 1)];
  }

  function faster(): void {
    const i = SPEEDS.indexOf(speed.value as (typeof SPEEDS)[number]);
    speed.value = SPEEDS[Math.min(SPEEDS.length - 1, i + 1)];
  }

  /** Plays the current segment's travel again (its states were corrected). */
  function replay(): void {
    if (index.value >= 0) travelId.value++;
  }

  function reset(): void {
    pause();
    index.value = -1;
  }

  return { index, playing, speed, travelId, reducedMotion, travelMs, total, current, atStart, atEnd, statesBefore, goTo, forward, back, first, last, play, pause, toggle, setSpeed, slower, faster, replay, reset };
});
