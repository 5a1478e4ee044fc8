// A WebSocket client of serve's API for the benchmarks: `call(method, params)`, and counters of what the
// server pushed to it (frame rows delivered and skipped, batches, the largest batch, its session id).
import WebSocket from 'ws';

export function apiClient(url) {
  const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin });
  let next = 1;
  const pending = new Map();
  const stats = { rows: 0, skipped: 0, batches: 0, maxRows: 0, session: null };
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.event === 'frames') {
      stats.rows += m.payload.rows.length;
      stats.skipped += m.payload.skipped;
      stats.batches++;
      stats.maxRows = Math.max(stats.maxRows, m.payload.rows.length);
    } else if (m.event === 'session') {
      stats.session = m.payload.id;
    } else if ('id' in m && pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p.reject(new Error(`${m.error.code}: ${m.error.message}`)); else p.resolve(m.result);
    }
  });
  const call = (method, params = {}) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params }));
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, call, stats }));
    ws.once('error', reject);
  });
}
