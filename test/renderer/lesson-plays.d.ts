import type { AnswerOutcome, LessonPlay, LessonState, LessonSummary } from '../../main/api/types';
import type { LessonCapture, LessonFile } from '../../main/lessons/index';

export interface FakePlayer {
  lesson: LessonFile;
  capture: LessonCapture;
  play(): LessonPlay;
  go(step: number): LessonState;
  answer(step: number, given: unknown): AnswerOutcome;
  teacher(on: boolean): void;
}

export function shippedCatalogue(locale?: string): LessonSummary[];
export function lessonFile(id: string): LessonFile;
export function lessonPlayer(id: string, captureName?: string): FakePlayer;

export interface FakeAuthor {
  saved: unknown[];
  capture: LessonCapture;
  check(lesson: unknown): { problems: string[]; answers: unknown[]; capture: string };
  preview(lesson: unknown): Pick<FakePlayer, 'play' | 'go' | 'answer' | 'teacher'>;
  save(lesson: unknown): unknown;
}
export function authorBackEnd(captureName: string): FakeAuthor;
