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
  /** The frame's own bytes. */
  const frameBytes = shallowRef<Uint8Array>(new Uint8Array(0));
  const loading = ref(false);
  const item = shallowRef<SelectedItem | null>(null);
  /** A layer highlighted from the layers view (index into detail.frame.layers). */
  const layer = ref<number | null>(null);
  let seq = 0;

  /**
   * The data source the selection points into: 0 for the frame's bytes, n for the reassembled buffer
   * detail.sourceBytes[n - 1] (an item's own source, else its nearest ancestor's, else its layer's).
   */
  const source = computed<number>(() => {
    const d = detail.value;
    if (!d) return 0;
    if (layer.value !== null) return d.frame.layers[layer.value]?.source ?? 0;
    const path = item.value?.path;
    if (!path) return 0;
    const [first, ...rest] = path.split('.').map(Number);
    const l = d.frame.layers[first];
    let src = l?.source ?? 0;
    let items: Field[] = l?.fields ?? [];
    for (const i of rest) {
      const f = items[i];
      if (!f) break;
      if (f.source !== undefined) src = f.source;
      items = f.children;
    }
    return src;
  });

  /** The bytes the hex view shows: the frame's, or those of the reassembled buffer the selection is in. */
  const bytes = computed<Uint8Array>(() => {
    const n = source.value;
    const hex = n ? detail.value?.sourceBytes?.[n - 1] : undefined;
    return hex === undefined ? frameBytes.value : hexToBytes(hex);
  });

  /** The reassembled buffer's name ("Reassembled TCP"), or null while the frame's bytes are shown. */
  const sourceName = computed<string | null>(() => (source.value ? detail.value?.frame.sources?.[source.value - 1]?.name ?? null : null));

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
    if (n === null) { detail.value = null; frameBytes.value = new Uint8Array(0); return; }
    loading.value = true;
    try {
      const d = await useClient().getFrame({ number: n });
      if (mine !== seq) return;
      detail.value = d;
      frameBytes.value = hexToBytes(d.bytes);
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
    frameBytes.value = new Uint8Array(0);
    item.value = null;
    layer.value = null;
    loading.value = false;
  }

  return { frame, detail, bytes, source, sourceName, loading, item, layer, highlight, select, selectItem, selectLayer, reset };
});

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}
