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
    const t0 = performance.now();
    // Round robin: each task gets a step in turn until the slice is used up.
    while (this.queue.length && performance.now() - t0 < SLICE_MS) {
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
const ITEMS_PER_STEP = 64;

/**
 * JSON.stringify, except that long arrays (the answer itself, or one of its top-level properties: rows,
 * segments, connections) are written in slices that take turns with other work: the text of a
 * 10,000-row answer takes tens of milliseconds to make in one go.
 */
export async function stringifyInSlices(value: unknown, slicer: Slicer): Promise<string> {
  const arrayText = async (items: unknown[]): Promise<string> => {
    const parts = await sliced(slicer, 0, items.length, ITEMS_PER_STEP, (from, to) => {
      const out: string[] = [];
      for (let i = from; i < to; i++) out.push(JSON.stringify(items[i]) ?? 'null');
      return out;
    });
    return `[${parts.join(',')}]`;
  };
  if (Array.isArray(value)) return value.length > BIG_ARRAY ? arrayText(value) : JSON.stringify(value);
  if (!value || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.some(([, v]) => Array.isArray(v) && v.length > BIG_ARRAY) && !entries.some(([, v]) => v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).some((x) => Array.isArray(x) && x.length > BIG_ARRAY))) {
    return JSON.stringify(value);
  }
  const fields: string[] = [];
  for (const [k, v] of entries) {
    if (v === undefined || typeof v === 'function') continue;
    fields.push(`${JSON.stringify(k)}:${Array.isArray(v) || (v && typeof v === 'object') ? await stringifyInSlices(v, slicer) : JSON.stringify(v)}`);
  }
  return `{${fields.join(',')}}`;
}
