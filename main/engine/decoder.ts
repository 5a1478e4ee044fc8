// The engine's pipeline: raw frame → dissection → TCP tracking → per-endpoint states.
import type { DecodedFrame, RawFrame } from './types';
import { dissectFrame } from './dissect/index';
import { captureTime, newSession, type Session } from './session';
import { epochString } from './fields/format';

export class Decoder {
  readonly session: Session = newSession();
  private count = 0;

  /** Decodes the next frame of the capture (frames must come in capture order). Never throws on bad input. */
  decode(raw: RawFrame): DecodedFrame {
    const number = ++this.count;
    captureTime(this.session, raw); // the first frame of any kind is the zero of TCP times
    const r = dissectFrame(raw, number, this.session);
    let states = null;
    let transitions = null;
    let stream = null;
    let analysis: DecodedFrame['analysis'] = [];
    if (r.tcp) {
      stream = r.tcp.analysis.stream;
      analysis = r.tcp.analysis.flags;
      const s = this.session.states.onSegment(r.tcp.segment, r.tcp.analysis);
      states = s.states;
      transitions = s.transitions;
    }
    return {
      frame: number,
      time: epochString(raw.tsSec, raw.tsNsec),
      caplen: raw.data.length,
      len: raw.len,
      linktype: raw.linktype,
      interface: raw.interface,
      stream,
      layers: r.layers,
      info: r.info,
      src: r.src,
      dst: r.dst,
      protocol: r.protocol,
      analysis,
      malformed: r.malformed,
      expert: r.expert,
      states,
      transitions,
    };
  }

  get frameCount(): number {
    return this.count;
  }
}
