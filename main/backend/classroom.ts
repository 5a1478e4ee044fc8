// The class: what the teacher shares, the class policy, and the dashboard (who is connected under which
// name, their lesson, step and score live, per-question answer counts with the misconception behind the
// most common wrong answer) and its CSV export. Reads the roster from the hub's sessions and the answers
// from the progress store; pushes a fresh snapshot to teachers at most once a second.
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ClassSnapshot, QuestionStats, Share, StudentRow } from '../api/types';
import type { Hub } from './hub';
import { ProgressStore, type LearnerRecord } from './progress';
import type { Session } from './session';
import type { Source } from './source';

/**
 * `heldBy`: the lesson a shared view of a lesson's capture belongs to. A student who opens the share plays
 * that lesson (gated) instead of seeing the capture whole: the states and values past its questions are
 * their answers, which a teacher's "share my view" must not hand out.
 */
interface ShareEntry { share: Share; source: Source | null; heldBy: string | null }

const PUSH_EVERY_MS = 1000;

export class Classroom {
  readonly progress: ProgressStore;
  private readonly shares = new Map<string, ShareEntry>();
  private pushTimer: NodeJS.Timeout | null = null;
  private lastPush = 0;
  private readonly started = Date.now();
  private readonly loop: IntervalHistogram;
  /** The URL students use (serve sets it; null in the desktop app). */
  classUrl: string | null = null;
  /** Per classroom address, the learners it brought into the progress store (limits.learnersPerAddress). */
  private readonly byAddress = new Map<string, Set<string>>();

  constructor(private readonly hub: Hub, progressDir: string | null, private readonly policy: { get: () => boolean }) {
    this.progress = new ProgressStore(progressDir, hub.limits.maxLearners, hub.log, () => this.changed());
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
  }

  // ---- learners ----

  /**
   * A session says which learner it is (identify). A learner new to the store takes a place: refused
   * (with the reason) when its address brought in as many as it may, or when every place is taken by a
   * learner who answered something or is still someone's. Learners who answered nothing and whom no
   * session is any more are let go first (progress.forget): the address's own when it is at its bound,
   * anyone's when the store is full.
   */
  admit(s: Session, learner: string, o: { name: string | null; student: boolean }): string | null {
    if (this.progress.has(learner)) {
      this.progress.know(learner, o);
      return null;
    }
    const address = s.address;
    const mine = address === null ? null : this.learnersFrom(address);
    if (mine && mine.size >= this.hub.limits.learnersPerAddress) this.letGoIdle(mine);
    if (mine && mine.size >= this.hub.limits.learnersPerAddress) {
      return `this address has brought ${mine.size} learners to this server, the most one address may; ask the teacher`;
    }
    if (this.progress.full) this.letGoIdle(this.progress.learners().map((r) => r.learner));
    if (!this.progress.know(learner, o)) return 'this server keeps progress for as many learners as it may; ask the teacher';
    if (mine && address !== null) {
      mine.add(learner);
      this.byAddress.set(address, mine);
    }
    return null;
  }

  /** A session was freed: the learners it was go, those who answered nothing and whom no other session is. */
  released(learners: Iterable<string>): void {
    this.letGoIdle(learners);
  }

  /** Lets go those of `learners` who answered nothing and whom no session (connected or kept for a reload) is now. */
  private letGoIdle(learners: Iterable<string>): void {
    const held = new Set<string>();
    for (const s of this.hub.allSessions()) if (s.learner) held.add(s.learner);
    for (const l of [...learners]) {
      if (held.has(l) || !this.progress.forget(l)) continue;
      for (const [address, set] of this.byAddress) if (set.delete(l) && set.size === 0) this.byAddress.delete(address);
    }
  }

  /** The learners this address brought into the store that it still holds. */
  private learnersFrom(address: string): Set<string> {
    const set = this.byAddress.get(address) ?? new Set<string>();
    for (const l of set) if (!this.progress.has(l)) set.delete(l);
    return set;
  }

  // ---- shares ----

  /** Shares a source (pinned while shared) or a lesson; every session is told. */
  add(kind: Share['kind'], title: string, o: { source?: Source; lesson?: string; heldBy?: string; download: boolean }): Share {
    const share: Share = {
      id: randomBytes(9).toString('base64url'), kind, title, download: o.download, at: Date.now(),
      live: !!o.source && (o.source.status.state === 'running' || o.source.status.state === 'loading'),
      ...(o.lesson ? { lesson: o.lesson } : {}),
    };
    if (o.source) o.source.pins++;
    this.shares.set(share.id, { share, source: o.source ?? null, heldBy: o.heldBy ?? null });
    this.sharesChanged();
    return share;
  }

  remove(id: string): boolean {
    const e = this.shares.get(id);
    if (!e) return false;
    this.shares.delete(id);
    if (e.source) this.hub.unpin(e.source);
    this.sharesChanged();
    return true;
  }

  get(id: string): ShareEntry | undefined {
    return this.shares.get(id);
  }

  /** The newest shared source: what a new session looks at first (serve --open, --capture). */
  newestSource(forStudent: boolean): Source | null {
    // A lesson's capture shared as a view is reached by students only through that lesson (see ShareEntry).
    const list = [...this.shares.values()].filter((e) => e.source?.alive && !(forStudent && e.heldBy));
    return list.length ? (list[list.length - 1].source as Source) : null;
  }

  /** Whether `session` may download what it looks at. */
  mayDownload(s: Session): boolean {
    if (!s.student) return true;
    if (s.source.file && [...s.uploads].includes(s.source.file)) return true;
    return [...this.shares.values()].some((e) => e.source === s.source && e.share.download);
  }

  list(): Share[] {
    return [...this.shares.values()].map((e) => ({ ...e.share, live: !!e.source && (e.source.status.state === 'running' || e.source.status.state === 'loading') }));
  }

  sharesChanged(): void {
    const list = this.list();
    for (const s of this.hub.allSessions()) s.emit('shared', list);
    this.changed();
  }

  // ---- the dashboard ----

  /** Something the dashboard shows changed: teachers get a new snapshot within a second. */
  changed(): void {
    if (this.pushTimer) return;
    const wait = Math.max(0, PUSH_EVERY_MS - (Date.now() - this.lastPush));
    this.pushTimer = setTimeout(() => {
      this.pushTimer = null;
      this.lastPush = Date.now();
      const teachers = [...this.hub.allSessions()].filter((s) => !s.student && s.client && s.trust.browser);
      if (!teachers.length) return;
      const snap = this.snapshot();
      for (const t of teachers) t.emit('classroom', snap);
    }, wait);
    this.pushTimer.unref();
  }

  snapshot(): ClassSnapshot {
    const sessions = [...this.hub.allSessions()];
    const connected = new Map<string, number>();
    for (const s of sessions) if (s.learner && s.client) connected.set(s.learner, (connected.get(s.learner) ?? 0) + 1);
    const students: StudentRow[] = this.progress.learners().filter((r) => r.student).map((r) => this.row(r, connected.get(r.learner) ?? 0));
    students.sort((a, b) => (b.connected > 0 ? 1 : 0) - (a.connected > 0 ? 1 : 0) || (a.name ?? '').localeCompare(b.name ?? ''));
    return {
      students,
      questions: questionStats(this.progress.learners().filter((r) => r.student)),
      policy: { experiments: this.policy.get() },
      shares: this.list(),
      classUrl: this.classUrl,
      server: {
        rssBytes: process.memoryUsage.rss(),
        eventLoopP99Ms: Math.round(this.loop.percentile(99) / 1e4) / 100,
        sessions: sessions.length,
        uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
      },
    };
  }

  private row(r: LearnerRecord, connected: number): StudentRow {
    const lesson = r.current;
    const p = lesson ? r.lessons[lesson] : undefined;
    return {
      learner: r.learner, name: r.name, connected, lesson,
      step: p ? p.step : null, steps: p?.steps ?? null,
      score: lesson ? ProgressStore.scoreOf(r, lesson) : null,
      seen: r.updated,
    };
  }

  /** Every first answer of every student, one line each (spreadsheet-safe). */
  csv(): string {
    const head = ['name', 'learner', 'lesson', 'step', 'question', 'answer', 'correct', 'seconds', 'answered_at', 'lesson_score'];
    const lines = [head.join(',')];
    for (const r of this.progress.learners().filter((x) => x.student)) {
      for (const [lesson, p] of Object.entries(r.lessons)) {
        const score = ProgressStore.scoreOf(r, lesson);
        for (const a of p.answers) {
          lines.push([r.name ?? '', r.learner, lesson, String(a.step + 1), a.question, a.answer, a.correct ? 'yes' : 'no',
            (a.timeMs / 1000).toFixed(1), new Date(a.at).toISOString(), `${score.right}/${score.asked}`].map(csvCell).join(','));
        }
      }
    }
    return lines.join('\r\n') + '\r\n';
  }

  dispose(): void {
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = null;
    this.loop.disable();
  }
}

/** Per question: the first answers given, most frequent first, and the most common wrong one. */
export function questionStats(learners: LearnerRecord[]): QuestionStats[] {
  const byQuestion = new Map<string, { q: QuestionStats; misconceptions: Map<string, QuestionStats['topWrong']> }>();
  for (const r of learners) {
    for (const p of Object.values(r.lessons)) {
      for (const a of p.answers) {
        const key = `${a.lesson}\0${a.question}`;
        let e = byQuestion.get(key);
        if (!e) {
          e = { q: { lesson: a.lesson, step: a.step, question: a.question, answered: 0, right: 0, counts: [], topWrong: null }, misconceptions: new Map() };
          byQuestion.set(key, e);
        }
        e.q.answered++;
        if (a.correct) e.q.right++;
        const c = e.q.counts.find((x) => x.answer === a.answer);
        if (c) c.count++;
        else e.q.counts.push({ answer: a.answer, count: 1, correct: a.correct });
        if (!a.correct && a.misconception && !e.misconceptions.has(a.answer)) e.misconceptions.set(a.answer, { answer: a.answer, count: 0, misconception: a.misconception });
      }
    }
  }
  const out: QuestionStats[] = [];
  for (const { q, misconceptions } of byQuestion.values()) {
    q.counts.sort((a, b) => b.count - a.count || a.answer.localeCompare(b.answer));
    const wrong = q.counts.find((c) => !c.correct);
    if (wrong) q.topWrong = { answer: wrong.answer, count: wrong.count, misconception: misconceptions.get(wrong.answer)?.misconception ?? null };
    out.push(q);
  }
  return out.sort((a, b) => a.lesson.localeCompare(b.lesson) || a.step - b.step);
}

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet (a name typed as "=…"). */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
