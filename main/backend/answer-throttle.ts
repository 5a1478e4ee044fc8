// A back-off on wrong answers (DECISIONS "Grading"): without one, a script tries every state or number of a
// question in seconds (5,000 wrong answers in 2.6 s solved every lesson, and a bytes question's "part of
// it" feedback narrowed the range). The first few wrong answers to a question cost nothing (a student
// thinking aloud); after that each one doubles the wait before the next answer to it is graded, up to a
// cap. It counts per learner (a new tab does not start over) and per session (a new learner key in the same
// tab does not either); a refused answer is not graded, recorded or counted.
// It also counts per address group (net-address addressGroup) and question: new tabs with made-up learners
// got 3 free guesses each (a state found in 11 guesses over 4 tabs in 96 ms, fresh eyes). That count is
// shared by everyone behind one address, a whole classroom behind an IPv4 NAT among them, so it is gentler:
// it starts after ADDRESS_FREE_WRONG wrong answers to the question from the address (twice a learner's, so a
// few students' honest mistakes cost the class nothing) and its wait stops growing at ADDRESS_MAX_WAIT_MS (a
// class held up by one another's wrong answers waits seconds, never half a minute). A script with throwaway
// identities then gets 6 free guesses per question in all, and one more every 10 s at most.
import { ApiError } from '../api/contract';

/** Wrong answers to one question graded without waiting. */
export const FREE_WRONG = 3;
/** The wait after the first wrong answer beyond them, doubling with each further one, up to MAX_WAIT_MS. */
export const FIRST_WAIT_MS = 1000;
export const MAX_WAIT_MS = 30_000;
/** The same for an address group's count: more wrong answers free, and a shorter longest wait. */
export const ADDRESS_FREE_WRONG = 6;
export const ADDRESS_MAX_WAIT_MS = 10_000;

/** How a key's wrong answers turn into a wait (a learner's or session's by default). */
export interface Pace { free: number; maxWaitMs: number }
export const LEARNER_PACE: Pace = { free: FREE_WRONG, maxWaitMs: MAX_WAIT_MS };
export const ADDRESS_PACE: Pace = { free: ADDRESS_FREE_WRONG, maxWaitMs: ADDRESS_MAX_WAIT_MS };
/** A key counted, with its pace (a plain string: a learner's or session's pace). */
export type ThrottleKey = string | { key: string; pace: Pace };
/** Entries kept at most (an idle one is dropped first): bounded memory whatever clients send. */
const MAX_ENTRIES = 100_000;

interface Tally { wrong: number; last: number }

const keyOf = (k: ThrottleKey) => (typeof k === 'string' ? k : k.key);
const paceOf = (k: ThrottleKey) => (typeof k === 'string' ? LEARNER_PACE : k.pace);

export class AnswerThrottle {
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The wait (ms) before `wrong` wrong answers may be followed by another graded one. */
  static waitAfter(wrong: number, pace: Pace = LEARNER_PACE): number {
    return wrong < pace.free ? 0 : Math.min(pace.maxWaitMs, FIRST_WAIT_MS * 2 ** (wrong - pace.free));
  }

  /** Throws `rate_limited` (with the seconds to wait) while any of `keys` is still waiting. */
  check(keys: readonly ThrottleKey[]): void {
    const t = this.now();
    let until = 0;
    for (const k of keys) {
      const x = this.tallies.get(keyOf(k));
      if (x) until = Math.max(until, x.last + AnswerThrottle.waitAfter(x.wrong, paceOf(k)));
    }
    if (until > t) {
      const seconds = Math.ceil((until - t) / 1000);
      throw new ApiError('rate_limited', `too many wrong answers to this question: wait ${seconds} s before answering it again`);
    }
  }

  /** Counts a graded answer: a wrong one adds to the keys' waits. */
  graded(keys: readonly ThrottleKey[], correct: boolean): void {
    if (correct) return;
    const t = this.now();
    for (const key of keys) {
      const k = keyOf(key);
      const x = this.tallies.get(k);
      this.tallies.delete(k); // re-inserted last: the map's order is least recently counted first
      this.tallies.set(k, { wrong: (x?.wrong ?? 0) + 1, last: t });
    }
    while (this.tallies.size > MAX_ENTRIES) this.tallies.delete(this.tallies.keys().next().value as string);
  }
}
