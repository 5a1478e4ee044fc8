// Width and height of an element, kept current with a ResizeObserver.
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

export function useElementSize(el: Ref<HTMLElement | null>, initial = { width: 800, height: 500 }): { width: Ref<number>; height: Ref<number> } {
  const width = ref(initial.width);
  const height = ref(initial.height);
  let ro: ResizeObserver | null = null;
  onMounted(() => {
    if (!el.value) return;
    const r = el.value.getBoundingClientRect();
    if (r.width) width.value = r.width;
    if (r.height) height.value = r.height;
    if (typeof ResizeObserver === 'function') {
      ro = new ResizeObserver(([entry]) => {
        width.value = entry.contentRect.width;
        height.value = entry.contentRect.height;
      });
      ro.observe(el.value);
    }
  });
  onBeforeUnmount(() => ro?.disconnect());
  return { width, height };
}
