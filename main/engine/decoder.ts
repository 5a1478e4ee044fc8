// The engine's pipeline: raw frame → dissection → TCP tracking → per-endpoint states.
import type { DecodedFrame, RawFrame } from './types';
import { newSession, type Session } from './session';
import { decodeInSession } from './store/decode';

export class Decoder {
  readonly session: Session = newSession();
  private count = 0;

  /** Decodes the next frame of the capture (frames must come in capture order). Never throws on bad input. */
  decode(raw: RawFrame): DecodedFrame {
    return decodeInSession(raw, ++this.count, this.session).frame;
  }

  get frameCount(): number {
    return this.count;
  }
}
