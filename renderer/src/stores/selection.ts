// The frame being looked at (from the list, the ladder, a plot or the stepper), its full detail, and the
// tree item or byte range selected in it (the detail tree and the hex view share this).
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { useClient, type Field, type FrameDetail } from '../api';
import { useNoticesStore } from './notices';

export interface ByteRange { offset: number; length: number }

/** A tree item, addressed by its path of child indexes from the layer list (stable within one frame). */
export interface SelectedItem extends ByteRange { name: string; path: string }

export const useSelectionStore = defineStore('selection', () => {
  const frame = ref<number | null>(null);
  const detail = shallowRef<FrameDetail | null>(null);
  const bytes = shallowRef<Uint8Array>(new Uint8Array(0));
  const loading = ref(false);
  const item = shallowRef<SelectedItem | null>(null);
  /** A layer highlighted from the layers view (index into detail.frame.layers). */
  const layer = ref<number | null>(null);
  let seq = 0;

  const highlight = computed<ByteRange | null>(() => {
    if (item.value) return item.value;
    const l = layer.value;
    const d = detail.value;
    if (l !== null && d && d.frame.layers[l]) return { offset: d.frame.layers[l].offset, length: d.frame.layers[l].length };
    return null;
  });

  async function select(n: number | null): Promise<void> {
    if (n === frame.value && (detail.value || loading.value)) return;
    frame.value = n;
    item.value = null;
    layer.value = null;
    const mine = ++seq;
    if (n === null) { detail.value = null; bytes.value = new Uint8Array(0); return; }
    loading.value = true;
    try {
      const d = await useClient().getFrame({ number: n });
      if (mine !== seq) return;
      detail.value = d;
      bytes.value = hexToBytes(d.bytes);
    } catch (e) {
      if (mine === seq) { detail.value = null; useNoticesStore().error(e, 'getFrame'); }
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  function selectItem(f: Pick<Field, 'name' | 'offset' | 'length'> | null, path = ''): void {
    item.value = f ? { name: f.name, offset: f.offset, length: f.length, path } : null;
    layer.value = null;
  }

  function selectLayer(i: number | null): void {
    layer.value = i;
    item.value = null;
  }

  function reset(): void {
    seq++;
    frame.value = null;
    detail.value = null;
    bytes.value = new Uint8Array(0);
    item.value = null;
    layer.value = null;
    loading.value = false;
  }

  return { frame, detail, bytes, loading, item, layer, highlight, select, selectItem, selectLayer, reset };
});

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
