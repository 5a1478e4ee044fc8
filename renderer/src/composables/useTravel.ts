// Animation progress (0 → 1) of the segment currently travelling, restarted whenever `id` changes.
// One requestAnimationFrame loop per view; progress is 1 when nothing travels (or motion is reduced).
import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

export function useTravel(id: Ref<number>, durationMs: Ref<number>): Ref<number> {
  const progress = ref(1);
  let frame = 0;
  const stop = (): void => {
    if (frame && typeof cancelAnimationFrame === 'function') cancelAnimationFrame(frame);
    frame = 0;
  };
  watch(id, () => {
    stop();
    const d = durationMs.value;
    if (!d || typeof requestAnimationFrame !== 'function') { progress.value = 1; return; }
    const t0 = performance.now();
    progress.value = 0;
    const step = (now: number): void => {
      const t = Math.min(1, (now - t0) / d);
      // ease-in-out, so the segment leaves and arrives gently
      progress.value = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      frame = t < 1 ? requestAnimationFrame(step) : 0;
    };
    frame = requestAnimationFrame(step);
  });
  onBeforeUnmount(stop);
  return progress;
}
