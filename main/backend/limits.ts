// Everything the back end bounds, in one place, with the defaults DECISIONS.md settles. `serve` takes
// most of them as options; tests make them small. A limit never drops data silently: a capture stops with
// a note and its counters, an upload is refused with the limit named, autosaves go oldest first.

export interface Limits {
  /** Largest single upload, and all uploads stored at once. */
  uploadFileBytes: number;
  uploadTotalBytes: number;
  /**
   * Uploads one session holds at most (at that number its oldest one no capture reads goes), and the
   * server: 3,000 empty uploads were all stored at 420/s (fresh eyes), each a file and map entries.
   */
  uploadsPerSession: number;
  uploadFiles: number;
  /**
   * Memory the captures opened from browsers (uploads) may hold at once, as load-budget.ts estimates it
   * (store bytes, and 3 KB a connection): past it their loads stop and no more are opened.
   */
  uploadMemoryBytes: number;
  /** Autosaved captures kept (count and total size); the oldest go first, never one in use. */
  autosaveFiles: number;
  autosaveBytes: number;
  /** A live capture stops when its autosave reaches this size, or after this many seconds (null: no limit). */
  captureBytes: number;
  captureSeconds: number | null;
  /** Experiments in class: students waiting at most, and their slow-motion pause at most. */
  experimentQueue: number;
  studentSlowMotionMs: number;
  /** Sessions kept at most, and how long a session without a connection is kept (a reload resumes it). */
  maxSessions: number;
  sessionIdleMs: number;
  /**
   * Of maxSessions, the ones students may never take (a class token holder opening hundreds of sockets
   * must not lock the teacher out), and the sessions one student address may hold at once (loopback,
   * where a whole test class runs, is not counted per address).
   */
  teacherReserve: number;
  studentSessionsPerAddress: number;
  /** Learner keys one session may identify as (a made-up key per request would fill the dashboard). */
  learnersPerSession: number;
  /** Learners whose progress is kept at most (a learner key is cheap to make up). */
  maxLearners: number;
  /**
   * Learners one classroom address may bring into that store at most (loopback: not counted), while they
   * are kept: short sessions of 3 made-up learners each filled all 2,000 places in 9 s (fresh eyes).
   */
  learnersPerAddress: number;
  /**
   * Server time a student's new display filters may take in any minute (checking the capture's frames):
   * past it, a new filter is refused until enough of that minute has passed (fresh eyes: 115 `contains`
   * filters in a row held the server 47 s on 30,000 frames). A filter already checked costs nothing.
   */
  studentFilterMsPerMinute: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_LIMITS: Limits = {
  uploadFileBytes: 256 * MiB,
  uploadTotalBytes: 2 * GiB,
  uploadsPerSession: 20,
  uploadFiles: 1000,
  uploadMemoryBytes: 1 * GiB,
  autosaveFiles: 50,
  autosaveBytes: 2 * GiB,
  captureBytes: 1 * GiB,
  captureSeconds: null,
  experimentQueue: 20,
  studentSlowMotionMs: 2000,
  maxSessions: 300,
  sessionIdleMs: 30 * 60_000,
  teacherReserve: 20,
  studentSessionsPerAddress: 20,
  learnersPerSession: 3,
  maxLearners: 2000,
  learnersPerAddress: 100,
  studentFilterMsPerMinute: 5000,
};

export function limitsWith(overrides: Partial<Limits> = {}): Limits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
