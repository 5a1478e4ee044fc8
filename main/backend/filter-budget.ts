// How much server time one student's display filters may take (Limits.studentFilterMsPerMinute): each new
// filter checks every stored frame on the server's thread, and nothing else bounded how many a student
// sets one after another. The time a filter's check took is counted for the minute after it; while that
// minute's count is at the limit, a new filter is refused with how long to wait.
import { ApiError } from '../api/contract';

const MINUTE = 60_000;

export class FilterBudget {
  private readonly spent: { at: number; ms: number }[] = [];

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** Counts a filter's checking time. */
  spend(ms: number): void {
    if (ms > 0) this.spent.push({ at: this.now(), ms });
  }

  /** Milliseconds counted in the last minute. */
  used(): number {
    const since = this.now() - MINUTE;
    while (this.spent.length && this.spent[0].at <= since) this.spent.shift();
    return this.spent.reduce((a, x) => a + x.ms, 0);
  }

  /** Throws `rate_limited` (with the seconds to wait) while the last minute's filters took the limit. */
  check(): void {
    let left = this.used();
    if (left < this.perMinute) return;
    // Wait until enough of the oldest checks leave the minute.
    let until = this.now();
    for (const x of this.spent) {
      left -= x.ms;
      until = x.at + MINUTE;
      if (left < this.perMinute) break;
    }
    const seconds = Math.max(1, Math.ceil((until - this.now()) / 1000));
    throw new ApiError('rate_limited', `your display filters took ${(this.used() / 1000).toFixed(1)} s of the server's time in the last minute (a student's filters may take ${(this.perMinute / 1000).toFixed(1)} s): wait ${seconds} s before setting a new one`);
  }
}
