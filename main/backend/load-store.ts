// The loading thread's store (load-worker.ts, when the event loop wants the file stored there): every frame
// the reader parses is ingested at once by a FrameStore of the thread's own (the same code as on the event
// loop, so the same fast-path decisions and facts), read in place from the reader's buffer; each batch then
// travels as that store's delta (store-delta.ts), which the event loop adopts with bulk copies. A batch
// carries no frame bytes: a frame a view wants decoded on the event loop is re-read from the file, as any
// stored frame is.
import { blockFactsCost } from '../engine/store/block-facts-cost';
import { DATA, FrameStore, type PayloadRoute } from '../engine/store/frame-store';
import { deltaBuffers, DeltaTaker, type StoreDelta } from '../engine/store/store-delta';
import type { RawFrame, TcpSegment } from '../engine/types';
import { FACT_BATCH_BYTES, frameFacts, type FrameFacts } from './load-batch';

/** A batch of frames stored on the loading thread. */
export interface StoredBatch {
  type: 'stored';
  count: number;
  delta: StoreDelta;
  /** Block facts of the batch's frames that have any: [index in the batch, facts] (comments carry an experiment's calls). */
  facts: [number, FrameFacts][];
  /** File bytes read when the batch was cut (progress). */
  bytesRead: number;
  /** The section headers' comments, when they changed since the last batch. */
  sectionComments?: string[];
}

export class StoreBatcher {
  /** Frames come refilled from the reader: the store copies those its full dissector keeps. */
  private readonly store = new FrameStore(null, { infoCacheSize: 0, borrowedFrames: true });
  private readonly taker = new DeltaTaker(this.store);
  private facts: [number, FrameFacts][] = [];
  private transitions: number[] = [];
  private readonly rec = this.store.parts().cols.rec;
  private readonly states = this.store.parts().cols.states;
  count = 0;

  /** Frames per batch from the next batch on (the first batches are smaller, to show rows at once). */
  constructor(public maxFrames: number) {}

  /** What the block facts of this batch cost (FACT_BATCH_BYTES). */
  private factBytes = 0;

  get full(): boolean {
    return this.count >= this.maxFrames || this.factBytes >= FACT_BATCH_BYTES;
  }

  /** `candidate`, `route`: the reading thread's word on the frame, when it gave one (FrameStore.ingest). */
  add(raw: RawFrame, dataOffset: number, candidate?: boolean | TcpSegment, route: PayloadRoute = DATA): void {
    const r = this.store.ingest(raw, dataOffset, candidate, route);
    // The frame, its states and its record as ingested (StoreDelta.transitions).
    if (r.transitions && r.transitions.length && r.states) this.transitions.push(r.number, this.states.get(r.number - 1), this.rec.get(r.number - 1));
    // What BatchWriter keeps of a frame's block facts.
    const f = frameFacts(raw);
    if (f) {
      this.facts.push([this.count, f]);
      this.factBytes += blockFactsCost(f);
    }
    this.count++;
  }

  /** The batch stored so far (null if empty), and the buffers to transfer with it. */
  take(bytesRead: number): { batch: StoredBatch; transfer: ArrayBuffer[] } | null {
    if (this.count === 0) return null;
    const delta = this.taker.take(this.transitions);
    const batch: StoredBatch = { type: 'stored', count: this.count, delta, facts: this.facts, bytesRead };
    this.count = 0;
    this.factBytes = 0;
    this.facts = [];
    this.transitions = [];
    return { batch, transfer: deltaBuffers(delta) };
  }
}
