import type { HandshakeLabClient } from '../../main/api/contract';
import type { LessonSummary } from '../../main/api/types';
import type { FakeAuthor, FakePlayer } from './lesson-plays';

export interface Fixture {
  name: string;
  capture: string;
  frames: { row: unknown; detail: unknown }[];
  connections: unknown[];
  ladder: Record<string, unknown[]>;
  series: Record<string, unknown>;
  filters: Record<string, number[]>;
}

export interface FakeOptions {
  locale?: string;
  capture?: boolean;
  /** What "Allow capture" answers; the button shows only when set. */
  enable?: 'enabled' | 'cancelled' | 'failed' | 'install';
  files?: Record<string, Fixture>;
  lessons?: Record<string, Fixture>;
  /** What listLessons answers, and the back end's player of each lesson (getLesson, lessonProgress, answerQuestion). */
  catalogue?: LessonSummary[];
  players?: Record<string, Pick<FakePlayer, 'play' | 'go' | 'answer' | 'teacher'>>;
  /** The back end's authoring requests (checkLesson, previewLesson, saveLesson). */
  author?: FakeAuthor;
  experiment?: Fixture;
  liveDelayMs?: number;
  /** A connection is first pushed only once it has this many segments (a busy back end coalesces pushes). */
  firstPushAfter?: number;
  pageDelayMs?: number;
}

export type FakeClient = HandshakeLabClient & { calls: unknown[]; push(event: string, payload: unknown): void };
export function createFakeClient(fixture: Fixture | null, opts?: FakeOptions): FakeClient;
