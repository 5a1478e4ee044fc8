// What a frame's dissection learned from earlier frames (a UDP stream number, the request a DNS
// answer belongs to, which segments a reassembled PDU came from), recorded in the order the
// dissectors asked. The frame store keeps each frame's tape, so that a frame re-dissected on its own
// later gives exactly what the first pass gave, without replaying the frames before it: the bytes
// are the same and every answer that depended on other frames comes back off the tape.
export type TapeValue = number | string;

export class Tape {
  readonly values: TapeValue[] = [];
  private pos = 0;

  record(v: TapeValue): void {
    this.values.push(v);
  }

  /** The next recorded value; a tape that runs out means the bytes differ from the first pass's. */
  next(): TapeValue {
    if (this.pos >= this.values.length) throw new Error('replay tape exhausted: the frame differs from the one first decoded');
    return this.values[this.pos++];
  }

  get length(): number {
    return this.values.length;
  }
}

/** What a session re-dissecting stored frames gets from the store instead of from earlier frames. */
export interface Replay {
  /** This frame's tape, as the first pass recorded it. */
  tape: Tape;
  /** Timestamp of the closest earlier frame that had one (frame.time_delta), or null. */
  prevTime: { sec: number; nsec: number } | null;
  /** Captured bytes of an earlier frame (the parts of a reassembled buffer). */
  bytesOf(frame: number): Uint8Array;
}

/**
 * The tape of a frame the store stored by its fast path (a plain TCP segment whose payload, if any, goes
 * to "data"): every cross-frame fact its dissection asks for is "none" (0: no PDU being reassembled, no
 * protocol claiming the conversation, no FIN-ended PDU waiting), so a replay answers 0 to every question.
 */
export class ZeroTape extends Tape {
  override next(): TapeValue {
    return 0;
  }
}
