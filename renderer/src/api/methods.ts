// The request names, listed here so the renderer needs no runtime import of the zod schemas.
// `satisfies` makes the compiler fail if the contract gains or loses a method.
import type { ApiMethod } from '../../../main/api/requests';

const METHODS = {
  getAppInfo: 1, getStatus: 1, listInterfaces: 1, startCapture: 1, stopCapture: 1, openFile: 1, cancelLoad: 1,
  saveCapture: 1, runExperiment: 1, getFrames: 1, getFrame: 1, indexOfFrame: 1, setFilter: 1, listConnections: 1,
  getLadder: 1, getSeries: 1, listLessons: 1, openLesson: 1, getLesson: 1, importLesson: 1, enableCapture: 1,
  getSession: 1, identify: 1, listShared: 1, openShared: 1, share: 1, unshare: 1, setClassPolicy: 1, getClass: 1,
  exportClassCsv: 1, lessonProgress: 1, answerQuestion: 1, setTeacherMode: 1, checkLesson: 1, previewLesson: 1, saveLesson: 1,
  closeLesson: 1,
} as const satisfies Record<ApiMethod, 1>;

// Every key of ApiMethod must be present (the reverse of `satisfies`).
type Missing = Exclude<ApiMethod, keyof typeof METHODS>;
const complete: Missing extends never ? true : never = true;
void complete;

export const API_METHOD_NAMES = Object.keys(METHODS) as ApiMethod[];
