// Every TCP connection of the capture, kept current by `connections` pushes; one is selected for study.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import { useClient, type ConnectionSummary, type TcpState } from '../api';
import { useNoticesStore } from './notices';

export const useConnectionsStore = defineStore('connections', () => {
  // Kept in stream order as they arrive (new streams come with higher numbers), changed in place:
  // a push touching a few connections costs a few updates, not a copy and a sort of every connection.
  const byStream = shallowRef(new Map<number, ConnectionSummary>());
  const sorted = shallowRef<ConnectionSummary[]>([]);
  const position = new Map<number, number>();
  const selected = ref<number | null>(null);
  const query = ref('');
  const stateFilter = ref<TcpState | ''>('');

  const list = computed(() => sorted.value);
  const filtered = computed(() => (!query.value.trim() && !stateFilter.value ? list.value : list.value.filter((c) => matches(c, query.value, stateFilter.value))));
  const current = computed(() => (selected.value === null ? null : byStream.value.get(selected.value) ?? null));

  function merge(conns: ConnectionSummary[]): void {
    if (!conns.length) return;
    const map = byStream.value;
    let arr = sorted.value;
    let resort = false;
    for (const c of conns) {
      map.set(c.stream, c);
      const at = position.get(c.stream);
      if (at !== undefined) arr[at] = c;
      else if (!arr.length || arr[arr.length - 1].stream < c.stream) { position.set(c.stream, arr.length); arr.push(c); }
      else { arr.push(c); resort = true; }
    }
    if (resort) {
      arr = arr.sort((a, b) => a.stream - b.stream);
      position.clear();
      arr.forEach((c, i) => position.set(c.stream, i));
    }
    // New array identities so computed views and components see the change.
    sorted.value = arr.slice();
    triggerRef(byStream);
    if (selected.value === null && arr.length) selected.value = arr[0].stream;
  }

  async function refresh(): Promise<void> {
    try {
      const conns = await useClient().listConnections();
      clear();
      merge(conns);
    } catch (e) {
      useNoticesStore().error(e, 'listConnections');
    }
  }

  function select(stream: number | null): void {
    selected.value = stream;
  }

  function clear(): void {
    byStream.value = new Map();
    sorted.value = [];
    position.clear();
  }

  function reset(): void {
    clear();
    selected.value = null;
  }

  return { byStream, selected, query, stateFilter, list, filtered, current, merge, refresh, select, reset };
});

/** Address/port words and a state: "127.0.0.1", "12345", ":12345", "[::1]:80"; all words must match. */
export function matches(c: ConnectionSummary, query: string, state: TcpState | ''): boolean {
  if (state && c.states.client !== state && c.states.server !== state) return false;
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const hay = `${c.client} ${c.server} #${c.stream}`.toLowerCase();
  return words.every((w) => {
    if (/^:?\d+$/.test(w)) {
      const port = w.replace(':', '');
      return c.client.endsWith(`:${port}`) || c.server.endsWith(`:${port}`);
    }
    return hay.includes(w);
  });
}
