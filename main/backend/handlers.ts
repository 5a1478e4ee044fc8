// One handler per API method, each given the request's validated parameters and the session that sent
// it. What a student may not do never reaches here (service.ts refuses it); what depends on the session's
// trust (paths, ports, downloads) is checked where it is done. While the session's lesson holds a
// question open, what a handler answers stops at the question's frame (session.limits(), lesson-gate.ts)
// and has what the open questions would give away redacted (session.reveal(), lesson-redact.ts).
import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiError, type ApiResults } from '../api/contract';
import type { ApiMethod, RequestParams } from '../api/requests';
import type { ConnectionSummary, LoadProgress } from '../api/types';
import { inFirstFrameOrder } from '../engine/store/frame-store';
import type { StoreLadderPage } from '../engine/store/types';
import { ADDRESS_PACE, AnswerThrottle, type ThrottleKey } from './answer-throttle';
import { bytesHex } from './hex';
import { cutConnections, cutLadder } from './lesson-gate';
import { redactDetail, redactLadder, redactRows, redactSeries, redactSummaries } from './lesson-redact';
import { sliced } from './slicer';
import type { Service } from './service';
import type { Session } from './session';

export type Handlers = { [M in ApiMethod]: (p: RequestParams<M>, s: Session) => Promise<ApiResults[M]> };

/** Rows (or segments) made in one step of a sliced pull. */
const SLICE_ROWS = 32;
/**
 * Pulls up to this many rows (or ladder segments) are answered at once; larger ones in slices (hub.slicer).
 * Small: a row is re-decoded from the file's bytes, and 1,000 of them at once (a page's ladder of a live
 * capture) held the event loop for 100 to 400 ms while 100 clients were connected.
 */
const PULL_STEP = 2 * SLICE_ROWS;
/** Connection summaries made in one step of listConnections (about 6 µs each). */
const CONNECTIONS_PER_STEP = 500;

/**
 * A session of the class URL says who it is (learner key and name) before it plays a lesson: an anonymous
 * session would practise answers off the record, and its wrong answers would count against nobody.
 */
function mustIdentify(s: Session): void {
  if (s.student && (!s.learner || !s.name)) {
    throw new ApiError('forbidden', 'say who you are first (identify with your learner key and name), then open the lesson');
  }
}

export function makeHandlers(svc: Service): Handlers {
  const { hub, captures, classroom } = svc;
  const throttle = new AnswerThrottle();
  return {
    getAppInfo: async (_p, s) => svc.appInfo(s),
    getStatus: async (_p, s) => {
      return { capture: s.status(), counters: s.counters(), total: s.visibleFrames(), viewTotal: s.viewTotal(), filter: s.filter };
    },
    listInterfaces: async () => {
      if (!hub.capture) throw new ApiError('capture_unavailable', 'live capture is not available in this process');
      return hub.capture.listInterfaces();
    },
    startCapture: async (p, s) => {
      s.opens++;
      return captures.startCapture(s, p);
    },
    stopCapture: async (_p, s) => captures.stopCapture(s),
    openFile: async (p, s) => svc.openPath(s, p.path),
    cancelLoad: async (_p, s) => {
      const src = s.source;
      // A load others look at too, or may come to, is not this session's to cancel: a lesson's capture is
      // loaded once for everyone who opens it (a student who cancelled it while alone on it left the class a
      // capture cut short), and a shared one is the teacher's.
      if (src.loading && src.viewers.size === 1 && src.kind !== 'lesson' && src.pins === 0) {
        src.loading.cancel = true;
        return { cancelled: true };
      }
      if (s.pendingLoad) {
        s.pendingLoad.cancel = true;
        return { cancelled: true };
      }
      return { cancelled: false };
    },
    saveCapture: async (p, s) => {
      if (s.trust.browser) throw new ApiError('forbidden', 'in a browser, saving downloads the capture; nothing is written on the server');
      const target = svc.checkPath(p.path, 'save');
      const file = s.source.file;
      if (!file) throw new ApiError('not_found', 'there is no capture to save yet');
      if (resolve(file) === target) return { path: target, frames: s.source.store.total };
      try {
        await copyFile(file, target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new ApiError('file_error', `cannot save to ${p.path}: ${code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'no such folder' : code ?? String(e)}`);
      }
      return { path: target, frames: s.source.store.total };
    },
    runExperiment: async (p, s) => {
      s.opens++;
      return captures.runExperiment(s, p);
    },
    getFrames: async (p, s) => {
      const src = s.source;
      const seen = s.positions();
      const total = seen.total;
      const start = Math.min(p.start, total);
      const end = Math.min(total, start + p.count);
      const rowsOf = (from: number, to: number) => {
        const numbers: number[] = [];
        for (let i = from; i < to; i++) numbers.push(seen.at(i));
        return src.withBytes(() => src.store.rows(numbers), s.present(src.file ?? ''));
      };
      const rows = end - start > PULL_STEP ? await sliced(hub.slicer, start, end, SLICE_ROWS, rowsOf) : rowsOf(start, end);
      return { total, start, rows: redactRows(s.reveal(), rows) };
    },
    getFrame: async (p, s) => {
      const src = s.source;
      // While gated, a frame past the gate and one that does not exist are refused alike: "there is no frame
      // 9 (8 frames)" would tell how many segments come after the open question.
      const limit = s.frameLimit();
      if (limit !== null && p.number > limit) {
        throw new ApiError('forbidden', limit === 0 ? 'the lesson is still opening' : `frame ${p.number} comes after the open question's segment (frame ${limit}): answer the question first`);
      }
      if (p.number > src.store.total) throw new ApiError('not_found', `there is no frame ${p.number} (${src.store.total} frames)`);
      let detail: ApiResults['getFrame'] | null = null;
      src.withBytes(() => src.store.redecodeMany([p.number], (d, raw) => {
        detail = { frame: d.frame, bytes: bytesHex(raw.data) };
        // Reassembled data (IP fragments, TCP segments) as its own byte tabs, as Wireshark shows them.
        if (d.sources.length) detail.sourceBytes = d.sources.map((x) => bytesHex(x.data));
      }), s.present(src.file ?? ''));
      return redactDetail(s.reveal(), detail as unknown as ApiResults['getFrame']);
    },
    indexOfFrame: async (p, s) => {
      return { index: s.positions().indexOf(p.number) };
    },
    setFilter: async (p, s) => svc.setFilter(s, p.expression),
    listConnections: async (_p, s) => {
      // Made a part at a time (30,000 connections took 200 ms and more in one go): other requests and the
      // load go on in between. The streams there are now; later ones come in the next pushes.
      const store = s.source.store;
      const end = store.streams;
      const list: ConnectionSummary[] = [];
      let at = 0;
      if (end > 0) {
        await hub.slicer.run({
          step: () => {
            const to = Math.min(end, at + CONNECTIONS_PER_STEP);
            for (const c of store.connectionsIn(at, to)) list.push(c);
            at = to;
            return at < end;
          },
        });
      }
      return redactSummaries(s.reveal(), s.source.withBytes(() => cutConnections(inFirstFrameOrder(list), store, s.frameLimit(), s.reveal()), s.present(s.source.file ?? '')));
    },
    getLadder: async (p, s) => {
      const src = s.source;
      // A lesson's open question: the connection as it stood at its frame, and no segment after it.
      const gated = (page: ApiResults['getLadder']) => {
        const limit = s.frameLimit();
        const cut = src.withBytes(() => cutLadder(page, src.store, limit, s.reveal()), s.present(src.file ?? ''));
        if (!cut) throw new ApiError('not_found', `there is no TCP stream ${p.stream}`);
        return redactLadder(s.reveal(), cut);
      };
      // A lesson's or a file's capture that has finished loading does not change: its pages are shared.
      const shared = (src.kind === 'lesson' || src.kind === 'file') && src.loading === null;
      const part = (at: number, n: number) => {
        const page = src.withBytes(() => hub.ladders.page(src.store, p.stream, at, n, shared), s.present(src.file ?? ''));
        if (!page) throw new ApiError('not_found', `there is no TCP stream ${p.stream}`);
        return page;
      };
      // The calls of the programs behind the connection, when its source records them (an experiment).
      // A lesson's open question cuts them with the segments (gated).
      const withCalls = (page: StoreLadderPage): ApiResults['getLadder'] => gated({ ...page, events: src.story?.forConnection(page.summary) ?? [] });
      if (p.count <= PULL_STEP) return withCalls(part(p.start, p.count));
      const first = part(p.start, SLICE_ROWS);
      const rest = first.segments.length < SLICE_ROWS ? [] : await sliced(hub.slicer, p.start + SLICE_ROWS, p.start + p.count, SLICE_ROWS, (from, to) => part(from, to - from).segments);
      // A new page: the parts may be shared (hub.ladders) and are never changed.
      return withCalls({ ...first, segments: rest.length ? first.segments.concat(rest) : first.segments });
    },
    getSeries: async (p, s) => {
      const limit = s.frameLimit();
      const conn = s.source.store.connection(p.stream);
      if (!conn || (limit !== null && conn.firstFrame > limit)) throw new ApiError('not_found', `there is no TCP stream ${p.stream}`);
      // A lesson's or a file's capture that has finished loading does not change: its points are kept.
      const src = s.source;
      const shared = (src.kind === 'lesson' || src.kind === 'file') && src.loading === null;
      // A lesson's open question: made of the frames up to its segment only, as if the capture stopped there,
      // and of the points its mask leaves (none that plots a masked value, nor its share in the points after).
      const x = s.reveal();
      const keep = x.active ? (frame: number) => !x.pointMasked(p.kind, frame) : null;
      const series = await hub.series.series(src.store, p.stream, p.kind, hub.slicer, shared, limit, keep) ?? [];
      return redactSeries(x, series);
    },
    listLessons: async (_p, s) => hub.lessons.list(svc.locale, s.learner ? classroom.progress.progressOf(s.learner) : null),
    openLesson: async (p, s) => {
      mustIdentify(s);
      return svc.openLesson(s, p.id);
    },
    getLesson: async (p, s) => svc.getLesson(s, p.id),
    importLesson: async (p, s) => svc.importLesson(s, p.path, p.capture),
    setTeacherMode: async (p, s) => svc.setTeacherMode(s, p.on),
    // ---- authoring (teachers only: service.ts), on the capture on screen ----
    checkLesson: async (p, s) => hub.lessons.checkLesson(p.lesson, s.source.store, s.source.file),
    previewLesson: async (p, s) => svc.previewLesson(s, p.lesson),
    saveLesson: async (p, s) => {
      if (s.trust.browser) throw new ApiError('forbidden', 'in a browser, saving a lesson downloads it; nothing is written on the server');
      return hub.lessons.saveLesson(p.lesson, s.source.store, s.source.file, svc.locale);
    },
    closeLesson: async (_p, s) => svc.closeLesson(s),
    enableCapture: async (_p, s) => svc.enableCapture(s),

    // ---- sessions and the classroom ----
    getSession: async (_p, s) => svc.sessionInfo(s),
    identify: async (p, s) => {
      if (!s.learnersSeen.has(p.learner) && s.learnersSeen.size >= hub.limits.learnersPerSession) {
        throw new ApiError('busy', `this session has already identified as ${s.learnersSeen.size} learners; open a new page for another learner`);
      }
      const known = classroom.progress.progressOf(p.learner);
      const refused = classroom.admit(s, p.learner, { name: p.name ?? null, student: s.student });
      if (refused) throw new ApiError('busy', refused);
      s.learnersSeen.add(p.learner);
      s.learner = p.learner;
      s.name = p.name ?? known?.name ?? s.name;
      return svc.sessionInfo(s);
    },
    listShared: async () => classroom.list(),
    openShared: async (p, s) => {
      const e = classroom.get(p.id);
      if (!e) throw new ApiError('not_found', 'that share is no longer there');
      // A shared lesson is a lesson like any other: played on the record only (it was opened anonymously).
      if (e.share.lesson) {
        mustIdentify(s);
        return svc.openLesson(s, e.share.lesson);
      }
      if (e.heldBy && s.student) {
        mustIdentify(s);
        return svc.openLesson(s, e.heldBy);
      }
      const src = e.source;
      if (!src?.alive) throw new ApiError('not_found', 'that share is no longer there');
      s.opens++;
      svc.show(s, src, src.kind === 'capture' ? 'capture' : src.kind === 'experiment' ? 'experiment' : src.kind === 'lesson' ? 'lesson' : 'file');
      const done: LoadProgress = src.loading ? await src.loading.done : { file: src.file ?? '', bytesRead: 0, totalBytes: 0, frames: src.store.total, done: true };
      // The session's lesson's capture, shared: still no further than its gate.
      return s.progress({ ...done, frames: s.visibleFrames() });
    },
    share: async (p, s) => {
      if (p.what === 'lesson') {
        if (!p.lesson || hub.lessons.steps(p.lesson) === null) throw new ApiError('not_found', `there is no lesson named ${p.lesson ?? '(none given)'}`);
        return classroom.add('lesson', p.lesson, { lesson: p.lesson, download: false });
      }
      const src = s.source;
      if (src.kind === 'empty') throw new ApiError('not_found', 'there is nothing to share yet: open a capture, or start one');
      // A lesson's capture shared as a view stays behind that lesson's gates for students.
      const playing = s.lesson && s.lesson.source === src && !s.lesson.draft ? s.lesson.player.id : undefined;
      const heldBy = playing ?? (src.kind === 'lesson' ? src.title : undefined);
      return classroom.add(src.kind, src.title, { source: src, download: p.download, heldBy });
    },
    unshare: async (p) => ({ removed: classroom.remove(p.id) }),
    setClassPolicy: async (p) => svc.setPolicy(p.experiments),
    getClass: async () => classroom.snapshot(),
    exportClassCsv: async () => ({ name: `handshake-lab-class-${new Date().toISOString().slice(0, 10)}.csv`, csv: classroom.csv() }),
    // The session's lesson player grades, records (under the learner, unless in teacher mode) and holds the gate.
    lessonProgress: async (p, s) => svc.playing(s, p.lesson).player.go(p.step),
    answerQuestion: async (p, s) => {
      mustIdentify(s);
      const { player } = svc.playing(s, p.lesson);
      // Teacher mode grades freely (it records nothing); a student's wrong answers slow the next ones down.
      if (player.isTeacher) return player.answer(p.step, p.answer);
      const question = `${p.lesson}\u0000${p.step}`;
      // Per session, per learner, and per address group (throwaway identities from one place share it; gentler: answer-throttle.ts).
      const keys: ThrottleKey[] = [
        `session\u0000${s.id}\u0000${question}`,
        ...(s.learner ? [`learner\u0000${s.learner}\u0000${question}`] : []),
        ...(s.address ? [{ key: `address\u0000${s.address}\u0000${question}`, pace: ADDRESS_PACE }] : []),
      ];
      throttle.check(keys);
      const held = s.heldBack();
      const out = player.answer(p.step, p.answer);
      throttle.graded(keys, out.correct);
      // The last question answered: the page may now offer the download it was refused (sessionInfo).
      if (held && !s.heldBack() && s.trust.browser) s.emit('session', svc.sessionInfo(s));
      return out;
    },
  };
}
