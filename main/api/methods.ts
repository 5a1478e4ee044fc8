// The API's request names as a plain list: the one place both the zod schemas (requests.ts) and the
// sandboxed preload (which may load nothing but `electron`, so no zod) take them from.
export const API_METHOD_NAMES = [
  'getAppInfo', 'getStatus', 'listInterfaces', 'startCapture', 'stopCapture', 'openFile', 'cancelLoad',
  'saveCapture', 'runExperiment', 'getFrames', 'getFrame', 'indexOfFrame', 'setFilter', 'listConnections',
  'getLadder', 'getSeries', 'listLessons', 'openLesson', 'getLesson', 'importLesson', 'enableCapture',
  // Sessions and the classroom (main/api/classroom.ts).
  'getSession', 'identify', 'listShared', 'openShared', 'share', 'unshare', 'setClassPolicy', 'getClass',
  'exportClassCsv',
  // The lesson player and authoring (main/backend/lesson-player.ts, lesson-author.ts).
  'lessonProgress', 'answerQuestion', 'setTeacherMode', 'checkLesson', 'previewLesson', 'saveLesson', 'closeLesson',
] as const;

export type ApiMethodName = (typeof API_METHOD_NAMES)[number];
