// Classroom shapes carried by the API: who a session is and what it may do, what the teacher shares,
// the class policy, and the teacher's dashboard. Plain data, shared by back end, transports and renderer.

/** The teacher's URL gives full control; the class URL (a token of its own) gives the student role. */
export type Role = 'teacher' | 'student';

/** A text in each language the app speaks, keyed by locale ("en", "zh-CN"). */
export type Texts = Record<string, string>;

/** One browser tab's (or the desktop window's) session, as the page sees it. */
export interface SessionInfo {
  /** Kept by the page (sessionStorage) and passed back as `?session=` so a reload resumes the session. */
  id: string;
  role: Role;
  /** What this session may do; the UI hides the rest (the back end refuses it anyway). */
  can: {
    capture: boolean;
    experiment: boolean;
    /** Open a capture by its path on the server (the teacher on this machine, the desktop app). */
    openPath: boolean;
    dashboard: boolean;
    share: boolean;
    /** Download what the session looks at (a student only what the teacher shared with download on). */
    download: boolean;
  };
  /** The learner key the page sent (localStorage), and the name the student typed. */
  learner: string | null;
  name: string | null;
  /** The lesson and step this session was at (a reload resumes there). */
  lesson: { id: string; step: number } | null;
}

/** Something the teacher shared: it appears in every student's "Shared" list. */
export interface Share {
  id: string;
  kind: 'file' | 'capture' | 'experiment' | 'lesson';
  /** A file's name (never its path), "lo", or the lesson's id. */
  title: string;
  /** Lesson shares: the lesson to open with openLesson. */
  lesson?: string;
  /** Students may download the capture (a separate flag per share). */
  download: boolean;
  /** A live capture or experiment still running. */
  live: boolean;
  /** When it was shared (ms since the epoch). */
  at: number;
}

export interface ClassPolicy {
  /** Students may run experiments on the host (queued, one at a time, on a port the server picks). */
  experiments: boolean;
}

export interface StudentRow {
  learner: string;
  name: string | null;
  /** Tabs of this learner connected now. */
  connected: number;
  lesson: string | null;
  /** Step index (0-based) and the lesson's number of steps. */
  step: number | null;
  steps: number | null;
  /** First answers in the current lesson: right of asked. */
  score: { right: number; asked: number } | null;
  /** Last activity (ms since the epoch). */
  seen: number;
}

export interface QuestionStats {
  lesson: string;
  step: number;
  question: string;
  /** First answers given, and how many were right. */
  answered: number;
  right: number;
  /** Each first answer given and how often, most frequent first. */
  counts: { answer: string; count: number; correct: boolean }[];
  /** The most common wrong answer and the misconception behind it (when the lesson names one). */
  topWrong: { answer: string; count: number; misconception: Texts | null } | null;
}

export interface ClassSnapshot {
  students: StudentRow[];
  questions: QuestionStats[];
  policy: ClassPolicy;
  shares: Share[];
  /** The class URL to give students (teachers only; null where there is no class URL, e.g. the desktop app). */
  classUrl: string | null;
  server: { rssBytes: number; eventLoopP99Ms: number; sessions: number; uptimeSeconds: number };
}

/** The back end's grading of an answer (only the first answer to a question is recorded). */
export interface AnswerResult {
  correct: boolean;
  first: boolean;
}
