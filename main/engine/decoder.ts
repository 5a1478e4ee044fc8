// The engine's pipeline: raw frame → dissection → TCP tracking → per-endpoint states.
import type { DecodedFrame, RawFrame } from './types';
import { newSession, type Session } from './session';
import { decodeInSession } from './store/decode';
import { collecting, type FieldSink } from './fields/tree';

export class Decoder {
  readonly session: Session = newSession();
  private count = 0;

  /** Decodes the next frame of the capture (frames must come in capture order). Never throws on bad input. */
  decode(raw: RawFrame): DecodedFrame {
    return decodeInSession(raw, ++this.count, this.session).frame;
  }

  /**
   * Decodes the next frame like decode(), but builds no tree: only the values of the sink's fields
   * are kept, in tree order (tshark -T fields' way; several times faster). Tracking and states run
   * exactly as in decode(), so one Decoder may mix both.
   */
  decodeFields(raw: RawFrame, sink: FieldSink): void {
    sink.clear();
    collecting(sink, () => decodeInSession(raw, ++this.count, this.session));
  }

  get frameCount(): number {
    return this.count;
  }
}
