// Large pulls (tens of thousands of rows or ladder segments) are done in short time slices, and the
// pulls of every request in the process take turns: between slices the event loop serves other requests
// and HTTP, so one client pulling a million rows delays nobody by more than about a slice.
import { performance } from 'node:perf_hooks';

/** Work done between two turns of the event loop, at most (one step of a task may run past it). */
const SLICE_MS = 8;

/** A piece of work done in steps: `step()` does a little and says whether there is more to do. */
export interface SlicedTask {
  step(): boolean;
}

export class Slicer {
  private readonly queue: { task: SlicedTask; done: (e?: unknown) => void }[] = [];
  private scheduled = false;

  /** `now`: the clock slices are measured with (tests give their own). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs the task's steps in slices, taking turns with the other tasks; resolves when it has no more. */
  run(task: SlicedTask): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ task, done: (e) => (e === undefined ? resolve() : reject(e)) });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.pump());
  }

  private pump(): void {
    this.scheduled = false;
    const t0 = this.now();
    // Round robin: each task gets a step in turn until the slice is used up.
    while (this.queue.length && this.now() - t0 < SLICE_MS) {
      const job = this.queue.shift() as (typeof this.queue)[number];
      let more: boolean;
      try {
        more = job.task.step();
      } catch (e) {
        job.done(e ?? new Error('a pull failed'));
        continue;
      }
      if (more) this.queue.push(job);
      else job.done();
    }
    if (this.queue.length) this.schedule();
  }
}

/**
 * Starts `work` in the slicer's turn, and resolves or rejects as it does. The WebSocket requests of a class
 * arrive together (50 students opening a lesson at once): started as they were read, they all ran in one
 * turn of the event loop, and a GET / waited for the lot (1.7 s); taking turns, a few milliseconds of them
 * run at a time, then HTTP and the pushes get theirs. One client's requests still start in order.
 */
export function inTurn<T>(slicer: Slicer, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    slicer.run({ step: () => { work().then(resolve, reject); return false; } }).catch(reject);
  });
}

/**
 * Items [from, to) made `per` at a time by `make`, in slices; resolves to all of them in order. A part
 * shorter than asked ends it (there is no more).
 */
export async function sliced<T>(slicer: Slicer, from: number, to: number, per: number, make: (from: number, to: number) => T[]): Promise<T[]> {
  const out: T[] = [];
  let at = from;
  if (from >= to) return out;
  await slicer.run({
    step: () => {
      const end = Math.min(to, at + per);
      const part = make(at, end);
      for (const x of part) out.push(x);
      const full = part.length === end - at;
      at = end;
      return full && at < to;
    },
  });
  return out;
}

/** Arrays longer than this in an answer are written out in slices. */
const BIG_ARRAY = 1000;
/** Items written per step: rows and segments are objects; a graph's coordinates are numbers, far cheaper. */
const ITEMS_PER_STEP = 64;
const NUMBERS_PER_STEP = 2048;
/**
 * How deep long arrays are looked for: an answer's own (depth 0), its properties' (a list of rows), theirs,
 * and the arrays of objects in a list (a graph's two series, each with its coordinates, at depth 3).
 */
const MAX_DEPTH = 3;

const hasBigArray = (v: unknown): boolean => Array.isArray(v) && v.length > BIG_ARRAY;

/**
 * The UTF-8 JSON of `value`, as JSON.stringify would write it, except that long arrays (the answer itself,
 * or one of its properties, or one of theirs: rows, segments, connections) are written in slices that take
 * turns with other work: the text of a 10,000-row answer takes tens of milliseconds to make in one go.
 * Each slice is encoded to bytes as it is made, and the answer is those pieces copied together: making
 * one string of the whole answer (a join, then its encoding when it is sent) held the event loop for
 * hundreds of milliseconds under load.
 */
export async function encodeInSlices(value: unknown, slicer: Slicer): Promise<Buffer> {
  const parts = await encodePartsInSlices(value, slicer);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/**
 * The same bytes as encodeInSlices, left in pieces (to be sent as the fragments of one WebSocket message):
 * copying 15 MB of pieces together (30,000 connections) held the event loop for 60 to 200 ms.
 */
export async function encodePartsInSlices(value: unknown, slicer: Slicer): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  await encodeInto(value, slicer, parts, 0);
  return parts;
}

/** Appends the JSON of `value` to `parts` (arrays and objects looked into for long arrays down to MAX_DEPTH). */
async function encodeInto(value: unknown, slicer: Slicer, parts: Buffer[], depth: number): Promise<void> {
  if (hasBigArray(value)) {
    const items = value as unknown[];
    const per = typeof items[0] === 'number' ? NUMBERS_PER_STEP : ITEMS_PER_STEP;
    parts.push(Buffer.from('['));
    let at = 0;
    await slicer.run({
      step: () => {
        const end = Math.min(items.length, at + per);
        const out: string[] = [];
        for (let i = at; i < end; i++) out.push(JSON.stringify(items[i]) ?? 'null');
        parts.push(Buffer.from(`${at === 0 ? '' : ','}${out.join(',')}`));
        at = end;
        return end < items.length;
      },
    });
    parts.push(Buffer.from(']'));
    return;
  }
  if (depth >= MAX_DEPTH || !value || typeof value !== 'object' || !containsBigArray(value, depth)) {
    parts.push(Buffer.from(JSON.stringify(value) ?? 'null'));
    return;
  }
  if (Array.isArray(value)) {
    // A short list of objects that hold long arrays (a graph's series): each item in turn, as JSON.stringify writes them.
    parts.push(Buffer.from('['));
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (i > 0) parts.push(Buffer.from(','));
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') parts.push(Buffer.from('null'));
      else await encodeInto(v, slicer, parts, depth + 1);
    }
    parts.push(Buffer.from(']'));
    return;
  }
  parts.push(Buffer.from('{'));
  let first = true;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(Buffer.from(`${first ? '' : ','}${JSON.stringify(k)}:`));
    first = false;
    await encodeInto(v, slicer, parts, depth + 1);
  }
  parts.push(Buffer.from('}'));
}

/** Whether an array or object holds a long array, as an item or property or further down (up to MAX_DEPTH). */
function containsBigArray(value: object, depth: number): boolean {
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    if (hasBigArray(v)) return true;
    if (depth + 1 < MAX_DEPTH && v && typeof v === 'object' && containsBigArray(v, depth + 1)) return true;
  }
  return false;
}
