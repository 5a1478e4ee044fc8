// The memory that captures opened from browsers (uploads, on serve) may hold at once. The upload limits
// bound bytes on disk, not what a file costs once loaded: 56 MB of one-SYN connections (a million) took a
// server to 3.4 GB, so a few 256 MB uploads could take any machine's memory (fresh eyes). Each such
// source is counted while it lives, at its store's bytes plus what tracking its connections costs; a load
// that takes the total past the budget stops there with the limit named (the frames before it kept, as
// a gzip upload past --max-upload), and while the budget is spent no other upload is opened.
import type { Source } from './source';

/** What a frame's columns cost (README: the store holds about 111 bytes a frame in all). */
export const FRAME_BYTES = 128;
/**
 * What one connection costs while its file loads (measured: a million one-SYN connections took 2.5 GB of
 * the thread that tracks them, beyond the store's columns). Counted after the load too, when the trackers
 * are gone: the budget is what a source may cost at its peak.
 */
export const CONNECTION_BYTES = 3 * 1024;

/**
 * A source's cost as the budget counts it: its frames and connections, and the bytes its store holds
 * beside them (reassembled data, names and texts). Counted from what is stored, not from the columns'
 * allocated chunks (a small file's store allocates 5 MB of them, mostly never touched).
 */
export function sourceCost(src: Source): number {
  const store = src.store;
  return store.total * FRAME_BYTES + store.streams * CONNECTION_BYTES + store.parts().arena.used + store.memory().strings;
}

/** Loads counted here that run at once, at most: each has threads whose memory (heap, read-ahead) adds up. */
export const LOADS_AT_ONCE = 2;
/** How often a load waiting for its turn looks again (and at whether it was cancelled). */
const TURN_POLL_MS = 50;

export class LoadBudget {
  private readonly sources = new Set<Source>();
  private running = 0;

  constructor(readonly bytes: number) {}

  /**
   * Waits for a turn to load (at most LOADS_AT_ONCE at once: eight uploads of one-SYN connections loading
   * together took a server to 3.7 GB though each stopped at its share of the budget). Resolves to the
   * turn's release, to call once the load ends; a load cancelled while it waits gets a turn at once (it
   * then ends without reading).
   */
  async turn(cancelled: () => boolean): Promise<() => void> {
    while (this.running >= LOADS_AT_ONCE && !cancelled()) await new Promise((r) => setTimeout(r, TURN_POLL_MS));
    this.running++;
    let done = false;
    return () => {
      if (!done) this.running--;
      done = true;
    };
  }

  /** Counts `src` from now on, while it is alive. */
  add(src: Source): void {
    this.sources.add(src);
  }

  /** What the sources alive now cost (those let go are forgotten), `except` one about to be let go. */
  used(except: Source | null = null): number {
    let sum = 0;
    for (const s of this.sources) {
      if (!s.alive) this.sources.delete(s);
      else if (s !== except) sum += sourceCost(s);
    }
    return sum;
  }

  /** Why no more may be loaded (the budget is spent, `except` not counted), or null. */
  spent(except: Source | null = null): string | null {
    if (this.used(except) < this.bytes) return null;
    return `captures opened from browsers may hold ${Math.round(this.bytes / 1048576)} MB of this server's memory at once (serve --upload-memory), and that much is in use`;
  }

  /** The loading thread's heap limit for a load counted here (MB): the budget, and room for the thread itself. */
  get threadHeapMb(): number {
    return Math.ceil(this.bytes / 1048576) + 256;
  }
}
