import type { LessonPlay, LessonSummary } from '../../main/api/types';

export function shippedCatalogue(locale?: string): LessonSummary[];
export function lessonPlay(id: string, captureName?: string): LessonPlay;
