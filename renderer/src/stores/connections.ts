// Every TCP connection of the capture, kept current by `connections` pushes; one is selected for study.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { useClient, type ConnectionSummary, type TcpState } from '../api';
import { useNoticesStore } from './notices';

export const useConnectionsStore = defineStore('connections', () => {
  const byStream = shallowRef(new Map<number, ConnectionSummary>());
  const selected = ref<number | null>(null);
  const query = ref('');
  const stateFilter = ref<TcpState | ''>('');

  const list = computed(() => [...byStream.value.values()].sort((a, b) => a.stream - b.stream));
  const filtered = computed(() => list.value.filter((c) => matches(c, query.value, stateFilter.value)));
  const current = computed(() => (selected.value === null ? null : byStream.value.get(selected.value) ?? null));

  function merge(conns: ConnectionSummary[]): void {
    const next = new Map(byStream.value);
    for (const c of conns) next.set(c.stream, c);
    byStream.value = next;
    if (selected.value === null && list.value.length) selected.value = list.value[0].stream;
  }

  async function refresh(): Promise<void> {
    try {
      const conns = await useClient().listConnections();
      byStream.value = new Map();
      merge(conns);
    } catch (e) {
      useNoticesStore().error(e, 'listConnections');
    }
  }

  function select(stream: number | null): void {
    selected.value = stream;
  }

  function reset(): void {
    byStream.value = new Map();
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
