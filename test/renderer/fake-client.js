// A fake HandshakeLabClient over a fixture (see fixtures/make_fixtures.py), in plain JavaScript with no
// imports, so the same code serves the component tests (imported) and browser screenshots made before the
// engine exists (injected as window.handshakeLab with page.addInitScript: `export` is stripped there).
// It behaves like the back end: pulls by page, per-client filter, pushes on open/experiment.

export function createFakeClient(fixture, opts = {}) {
  const handlers = new Map();
  const calls = [];
  let data = fixture;
  let view = null; // frame numbers when a filter is applied
  let filter = '';
  let capture = { state: 'idle', source: fixture ? 'file' : null, file: fixture ? fixture.capture : undefined };
  const emit = (event, payload) => { for (const h of [...(handlers.get(event) || [])]) h(payload); };
  const frames = () => (data ? data.frames : []);
  const numbers = () => view || frames().map((f) => f.row.number);
  const byNumber = (n) => frames().find((f) => f.row.number === n);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const err = (code, message) => Object.assign(new Error(message), { code });
  /** The back end's lesson player for an open lesson (test/renderer/lesson-plays.js builds the real one). */
  const player = (id) => {
    const x = (opts.players || {})[id];
    if (!x) throw err('not_found', `lesson ${id} is not open`);
    return x;
  };
  const counters = () => ({ captured: frames().length, decoded: frames().length, droppedByKernel: 0, droppedByUs: 0, skippedPush: 0 });

  function load(next, reason) {
    data = next;
    view = null;
    filter = '';
    emit('reset', { reason });
    capture = { state: 'idle', source: 'file', file: next ? next.capture : undefined };
    emit('frames', { rows: frames().map((f) => f.row), total: frames().length, skipped: 0 });
    emit('connections', { connections: data ? data.connections : [] });
    emit('status', { capture, counters: counters() });
  }

  let allowed = opts.capture !== false;
  const captureInfo = () => ({
    available: allowed, reason: allowed ? undefined : 'no permission to capture on this machine',
    help: { platform: 'linux', steps: ['Give the capture helper the capture capabilities.'], commands: ['sudo setcap cap_net_raw,cap_net_admin=eip /usr/lib/handshake-lab/capture-helper'], canFix: !!opts.enable },
  });

  const api = {
    calls,
    /** Tests: a push from the back end (e.g. statesRevised after the fixture's states were changed in place). */
    push(event, payload) { emit(event, payload); },
    on(event, handler) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event).add(handler);
      return () => handlers.get(event).delete(handler);
    },
    async getAppInfo() {
      return { name: 'Handshake Lab', version: 'test', transport: 'ipc', platform: 'linux', locale: opts.locale || 'en', capture: captureInfo() };
    },
    // opts.enable: what "Allow capture" answers ('enabled', 'cancelled', 'failed', 'install'); the button shows when set.
    async enableCapture() {
      calls.push({ method: 'enableCapture' });
      const outcome = opts.enable || 'failed';
      if (outcome === 'enabled') allowed = true;
      return { outcome, message: `fake: ${outcome}`, ...(outcome === 'install' ? { url: 'https://npcap.com/#download' } : {}), capture: captureInfo() };
    },
    async getStatus() {
      return { capture, counters: counters(), total: frames().length, viewTotal: numbers().length, filter };
    },
    async listInterfaces() {
      return [
        { name: 'lo', description: 'Loopback', addresses: ['127.0.0.1', '::1'], loopback: true },
        { name: 'eth0', description: 'Ethernet', addresses: ['192.0.2.10'], loopback: false },
      ];
    },
    async startCapture(p) { calls.push({ method: 'startCapture', params: p }); capture = { state: 'running', source: 'live', interface: p.interface, filter: p.filter }; emit('status', { capture, counters: counters() }); return capture; },
    async stopCapture() { capture = { ...capture, state: 'idle' }; emit('status', { capture, counters: counters() }); return capture; },
    async openFile(p) {
      const next = (opts.files || {})[p.path];
      if (!next) throw err('file_error', `${p.path}: no such file`);
      load(next, 'file');
      return { file: p.path, bytesRead: 100, totalBytes: 100, frames: next.frames.length, done: true };
    },
    async cancelLoad() { return { cancelled: false }; },
    async saveCapture(p) { return { path: p.path, frames: frames().length }; },
    async runExperiment(p) {
      const next = opts.experiment;
      if (!next) throw err('capture_unavailable', 'live capture is not available in this process');
      data = { ...next, frames: [], connections: [] };
      view = null;
      emit('reset', { reason: 'experiment' });
      capture = { state: 'running', source: 'experiment', interface: 'lo' };
      emit('status', { capture, counters: counters() });
      for (const f of next.frames) {
        if (opts.liveDelayMs) await sleep(opts.liveDelayMs);
        data.frames.push(f);
        const segs = next.ladder[String(f.row.stream)] || [];
        const upTo = segs.filter((s) => s.frame <= f.row.number);
        const c = next.connections.find((x) => x.stream === f.row.stream);
        const partial = c && upTo.length >= (opts.firstPushAfter || 1) ? { ...c, frames: upTo.length, lastFrame: f.row.number, states: upTo[upTo.length - 1].states } : null;
        if (partial) data.connections = [...data.connections.filter((x) => x.stream !== c.stream), partial];
        emit('frames', { rows: [f.row], total: data.frames.length, skipped: 0 });
        if (partial) emit('connections', { connections: [partial] });
      }
      data = next;
      capture = { state: 'idle', source: 'experiment', file: '/tmp/experiment.pcapng' };
      emit('status', { capture, counters: counters() });
      return { variant: p.variant, frames: next.frames.length, streams: next.connections.map((c) => c.stream), file: '/tmp/experiment.pcapng' };
    },
    async getFrames(p) {
      const ns = numbers();
      const start = Math.min(p.start, ns.length);
      const rows = ns.slice(start, start + p.count).map((n) => byNumber(n).row);
      if (opts.pageDelayMs) await sleep(opts.pageDelayMs);
      return { total: ns.length, start, rows };
    },
    async getFrame(p) {
      const f = byNumber(p.number);
      if (!f) throw err('not_found', `there is no frame ${p.number}`);
      return f.detail;
    },
    async indexOfFrame(p) { return { index: numbers().indexOf(p.number) }; },
    async setFilter(p) {
      const e = (p.expression || '').trim();
      if (!e) { view = null; filter = ''; return { ok: true, expression: '', total: frames().length }; }
      const known = data && data.filters[e];
      if (!known) {
        const word = e.split(/\s+/)[0];
        return { ok: false, expression: e, error: { message: `"${word}" is neither a field nor a protocol name.`, start: 0, end: word.length } };
      }
      view = known.slice();
      filter = e;
      return { ok: true, expression: e, total: view.length };
    },
    async listConnections() { return data ? data.connections.slice() : []; },
    async getLadder(p) {
      const segs = (data && data.ladder[String(p.stream)]) || null;
      if (!segs) throw err('not_found', `there is no TCP stream ${p.stream}`);
      const summary = data.connections.find((c) => c.stream === p.stream);
      const count = p.count === undefined ? 2000 : p.count;
      const start = p.start || 0;
      return { summary, total: segs.length, start, segments: segs.slice(start, start + count) };
    },
    async getSeries(p) {
      const s = data && data.series[String(p.stream)];
      if (!s) throw err('not_found', `there is no TCP stream ${p.stream}`);
      return s[p.kind];
    },
    async listLessons() { return (opts.catalogue || []).slice(); },
    async getLesson(p) {
      return player(p.id).play();
    },
    async lessonProgress(p) { return player(p.lesson).go(p.step); },
    async answerQuestion(p) { return player(p.lesson).answer(p.step, p.answer); },
    async setTeacherMode(p) { for (const x of Object.values(opts.players || {})) x.teacher(p.on); return { on: p.on }; },
    // As the desktop app's back end answers: one local teacher session, nothing shared.
    async identify(p) {
      return { id: 'fake', role: 'teacher', can: { capture: true, experiment: true, openPath: true, dashboard: false, share: false, download: true }, learner: p.learner, name: p.name || null, lesson: null };
    },
    async listShared() { return []; },
    async checkLesson(p) { if (!opts.author) throw err('not_found', 'no capture'); return opts.author.check(p.lesson); },
    async previewLesson(p) {
      const x = opts.author.preview(p.lesson);
      opts.players = { ...(opts.players || {}), [p.lesson.id]: x };
      return x.play();
    },
    async saveLesson(p) { return opts.author.save(p.lesson); },
    async closeLesson() { return { closed: true }; },
    async importLesson(p) { throw err('bad_request', `cannot import ${p.path}`); },
    async openLesson(p) {
      const next = (opts.lessons || {})[p.id];
      if (!next) throw err('not_found', `there is no lesson named ${p.id}`);
      load(next, 'lesson');
      return { file: p.id, bytesRead: 1, totalBytes: 1, frames: next.frames.length, done: true };
    },
  };
  return api;
}
