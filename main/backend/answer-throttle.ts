// A back-off on wrong answers (DECISIONS "Grading"): without one, a script tries every state or number of a
// question in seconds (5,000 wrong answers in 2.6 s solved every lesson, and a bytes question's "part of
// it" feedback narrowed the range). The first few wrong answers to a question cost nothing (a student
// thinking aloud); after that each one doubles the wait before the next answer to it is graded, up to a
// cap. It counts per learner (a new tab does not start over) and per session (a new learner key in the same
// tab does not either); a refused answer is not graded, recorded or counted.
import { ApiError } from '../api/contract';

/** Wrong answers to one question graded without waiting. */
export const FREE_WRONG = 3;
/** The wait after the first wrong answer beyond them, doubling with each further one, up to MAX_WAIT_MS. */
export const FIRST_WAIT_MS = 1000;
export const MAX_WAIT_MS = 30_000;
/** Entries kept at most (an idle one is dropped first): bounded memory whatever clients send. */
const MAX_ENTRIES = 100_000;

interface Tally { wrong: number; last: number }

export class AnswerThrottle {
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The wait (ms) before `wrong` wrong answers may be followed by another graded one. */
  static waitAfter(wrong: number): number {
    return wrong < FREE_WRONG ? 0 : Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (wrong - FREE_WRONG));
  }

  /** Throws `rate_limited` (with the seconds to wait) while any of `keys` is still waiting. */
  check(keys: readonly string[]): void {
    const t = this.now();
    let until = 0;
    for (const k of keys) {
      const x = this.tallies.get(k);
      if (x) until = Math.max(until, x.last + AnswerThrottle.waitAfter(x.wrong));
    }
    if (until > t) {
      const seconds = Math.ceil((until - t) / 1000);
      throw new ApiError('rate_limited', `too many wrong answers to this question: wait ${seconds} s before answering it again`);
    }
  }

  /** Counts a graded answer: a wrong one adds to the keys' waits. */
  graded(keys: readonly string[], correct: boolean): void {
    if (correct) return;
    const t = this.now();
    for (const k of keys) {
      const x = this.tallies.get(k);
      this.tallies.delete(k); // re-inserted last: the map's order is least recently counted first
      this.tallies.set(k, { wrong: (x?.wrong ?? 0) + 1, last: t });
    }
    while (this.tallies.size > MAX_ENTRIES) this.tallies.delete(this.tallies.keys().next().value as string);
  }
}
