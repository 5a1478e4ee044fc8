// Large pulls (tens of thousands of rows or ladder segments) are cut into chunks, and the chunks of every
// request in the process take turns in short time slices: between slices the event loop serves other
// requests and HTTP, so one client pulling a million rows delays nobody by more than about a slice.
import { performance } from 'node:perf_hooks';

/** Work done between two turns of the event loop, at most (a chunk that starts may run past it). */
const SLICE_MS = 8;

export class Slicer {
  private readonly queue: (() => void)[] = [];
  private scheduled = false;

  /** Runs `task` in a later slice, after the tasks queued before it; resolves with its result. */
  run<T>(task: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        try {
          resolve(task());
        } catch (e) {
          reject(e);
        }
      });
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
    while (this.queue.length && performance.now() - t0 < SLICE_MS) (this.queue.shift() as () => void)();
    if (this.queue.length) this.schedule();
  }
}
