// Lessons as data: the one schema of a lesson file, answers computed from the engine's decode of the
// bound capture, the grader and the validator, what a question would give away on screen (exposure) and
// what the page may know of a lesson before it is answered (public). Pure TypeScript (no Node, no DOM):
// the back end, the renderer and the CLI share it; file and folder handling is in main/backend/lessons.ts.
export * from './schema';
export * from './capture';
export * from './values';
export * from './answers';
export * from './validate';
export { MISCONCEPTIONS } from './misconceptions';
export * from './play';
export * from './exposure';
export * from './public';
