// The engine's pipeline: raw frame → dissection → TCP tracking → per-endpoint states.
import type { DecodedFrame, RawFrame } from './types';
import { newSession, type Session } from './session';
import { applyReport, decodeInSession } from './store/decode';
import { collecting, type FieldSink } from './fields/tree';
import { eachOccurrence, isProtocolField } from './fields/occurrences';

export class Decoder {
  readonly session: Session = newSession();
  private count = 0;
  /** TCP frames handed out whose states may still be revised, in frame order. */
  private readonly open = new Map<number, DecodedFrame>();

  /**
   * Decodes the next frame of the capture (frames must come in capture order). Never throws on bad input.
   * Its `states`, `transitions`, `notes` and `start` are what the capture so far shows: a later segment
   * of the receiver may still revise them (the Decoder then updates this object) until the frame is
   * below settledBefore(). A file's reader prints a frame only then (DECISIONS: decide before reporting).
   */
  decode(raw: RawFrame): DecodedFrame {
    const frame = decodeInSession(raw, ++this.count, this.session).frame;
    this.revise();
    if (frame.states) this.open.set(frame.frame, frame);
    return frame;
  }

  /**
   * Decodes the next frame like decode(), but builds no tree: only the values of the sink's fields
   * are kept, in tree order (tshark -T fields' way; several times faster). Tracking and states run
   * exactly as in decode(), so one Decoder may mix both.
   */
  decodeFields(raw: RawFrame, sink: FieldSink): void {
    sink.clear();
    if (this.treeFor !== sink) {
      this.treeFor = sink;
      this.columns = [...new Set(sink.names.filter(isColumnField))];
      // Columns are made whole only with the tree (without one, dissectors skip the texts nobody asked for).
      this.needsTree = this.columns.length > 0 || sink.names.some(isProtocolField);
    }
    let frame: DecodedFrame;
    if (this.needsTree) {
      // Protocol items print their labels (tshark -e tcp), known only once the tree is built.
      frame = this.decode(raw);
      eachOccurrence(frame, (n) => sink.wants(n), (n, v) => sink.put(n, v));
    } else {
      frame = collecting(sink, () => decodeInSession(raw, ++this.count, this.session)).frame;
      this.revise();
    }
    for (const name of this.columns) sink.put(name, COLUMNS[name](frame));
  }

  /** The sink last given to decodeFields, and whether its fields need the tree built, or columns. */
  private treeFor: FieldSink | null = null;
  private needsTree = false;
  /** The sink's `_ws.col.*` names, each once. */
  private columns: string[] = [];

  /** Frames numbered below this are final: no later frame can revise their states. */
  settledBefore(): number {
    return this.session.states.settledBefore(this.count);
  }

  get frameCount(): number {
    return this.count;
  }

  /** Applies the last segment's revisions to the frames handed out, and forgets the settled ones. */
  private revise(): void {
    const states = this.session.states;
    for (const r of states.revisions) {
      const f = this.open.get(r.frame);
      if (f) applyReport(f, r.report);
    }
    if (!this.open.size) return;
    const settled = states.settledBefore(this.count);
    for (const n of this.open.keys()) {
      if (n >= settled) break;
      this.open.delete(n);
    }
  }
}

/**
 * The summary columns tshark -T fields prints by their `_ws.col.*` names (Time aside: its format follows
 * the file's time precision and tshark's settings).
 */
const COLUMNS: Readonly<Record<string, (f: DecodedFrame) => string | number>> = {
  '_ws.col.No.': (f) => f.frame,
  '_ws.col.Source': (f) => f.src,
  '_ws.col.Destination': (f) => f.dst,
  '_ws.col.Protocol': (f) => f.protocol,
  '_ws.col.Length': (f) => f.len,
  '_ws.col.Info': (f) => f.info,
};

/** Whether `name` is a summary column (see COLUMNS). */
export const isColumnField = (name: string): boolean => Object.hasOwn(COLUMNS, name);
