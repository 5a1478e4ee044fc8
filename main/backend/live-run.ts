// A live capture (the host's one capture, or an experiment's) running into a source: frames are written
// to the source's autosave pcapng as they come (a crash loses nothing, and the store re-reads bytes from
// that file), then stored. A run stops at its limits (size, duration) with a note in the status and
// every frame it accepted kept; a capture error stops it too and is reported. An experiment's run also
// writes its programs' calls into the autosave as pcapng comments (experiment-story.ts).
import { unlink } from 'node:fs/promises';
import { ApiError } from '../api/contract';
import type { ApiErrorInfo, CaptureStatus } from '../api/types';
import type { LiveCapture, LiveCaptureOptions, LiveCaptureSession } from '../capture/live-capture';
import type { PcapngAutosave } from './autosave';
import { ConnectionOwners } from './connection-owners';
import type { ExperimentStory } from './experiment-story';
import type { Source } from './source';

export interface LiveRunOptions {
  capture: LiveCapture;
  /** What the capture is asked for (its filter may leave out the server's own port). */
  request: LiveCaptureOptions;
  /** What the status shows: the filter as the user gave it, and what was left out. */
  shown: { filter: string; excluded?: string };
  kind: 'live' | 'experiment';
  /** The source the frames go to; its file is the writer's. */
  source: Source;
  writer: PcapngAutosave;
  /** Stop once the autosave reaches `bytes`, or after `seconds` (null: no time limit). */
  limits: { bytes: number; seconds: number | null };
  log: (line: string) => void;
  /** An error after start (the run has stopped): pushed to whoever looks at the source. */
  onError: (error: ApiErrorInfo) => void;
  /** Called once, when the run has stopped (its slot may go to the next). */
  onEnded: () => void;
  /**
   * An experiment's calls: each goes into the comment of the first frame it caused, before that frame is
   * written, and those that sent nothing into the section header when the run stops (source.story is its log).
   */
  story?: ExperimentStory;
}

export class LiveRun {
  private session: LiveCaptureSession | null = null;
  private stopping: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private active = true;
  /** Which programs hold the captured connections (connection-owners.ts), while the run lasts. */
  private readonly owners: ConnectionOwners;

  private constructor(private readonly o: LiveRunOptions) {
    this.owners = new ConnectionOwners(o.source.store, (stream) => o.source.streamChanged(stream), { log: o.log });
  }

  /** Starts capturing; on failure the autosave is removed, the source shows the error, and it is thrown. */
  static async start(o: LiveRunOptions): Promise<LiveRun> {
    const run = new LiveRun(o);
    const { source, writer, request } = o;
    run.owners.start();
    try {
      run.session = await o.capture.start(request, {
        frames: (batch) => {
          if (!run.active) return;
          if (o.story?.annotate(batch, source.store.total + 1)) source.pushStory();
          let offsets: number[];
          try {
            offsets = writer.append(batch);
          } catch (e) {
            // Without the bytes on disk the frames could not be shown later: count them as ours to lose.
            source.counters.droppedByUs += batch.length;
            o.log(`autosave failed, ${batch.length} frames dropped: ${e instanceof Error ? e.message : String(e)}`);
            return;
          }
          source.counters.captured += batch.length;
          for (let i = 0; i < batch.length; i++) source.ingest(batch[i], offsets[i]);
          if (writer.size >= o.limits.bytes) void run.stop(undefined, { kind: 'bytes', value: o.limits.bytes });
        },
        stats: (s) => {
          if (run.active) source.counters.droppedByKernel = s.droppedByKernel + s.droppedByInterface;
        },
        error: (err) => {
          if (!run.active) return;
          o.log(`capture error: ${err.message}`);
          o.onError(err);
          void run.stop(err);
        },
      });
    } catch (e) {
      run.active = false;
      run.owners.stop();
      writer.close();
      await unlink(writer.path).catch(() => undefined);
      const err = e instanceof ApiError ? e : new ApiError('capture_unavailable', e instanceof Error ? e.message : String(e));
      source.setStatus({ state: 'error', source: o.kind, interface: request.interface, filter: o.shown.filter, error: err.toJSON() });
      o.onEnded();
      throw err;
    }
    if (o.limits.seconds !== null) {
      const seconds = o.limits.seconds;
      run.timer = setTimeout(() => void run.stop(undefined, { kind: 'seconds', value: seconds }), seconds * 1000);
      run.timer.unref();
    }
    source.setStatus(run.runningStatus());
    return run;
  }

  private runningStatus(): CaptureStatus {
    const { request, shown, kind, writer } = this.o;
    return { state: 'running', source: kind, interface: request.interface, filter: shown.filter, file: writer.path, ...(shown.excluded ? { excluded: shown.excluded } : {}) };
  }

  get running(): boolean {
    return this.active;
  }

  get source(): Source {
    return this.o.source;
  }

  /** The experiment's calls that sent no frame, into the section header (in the room kept for them). */
  private writeStory(): void {
    const story = this.o.story;
    if (!story) return;
    try {
      if (!this.o.writer.rewriteHeader(story.headerComments())) {
        this.o.log('experiment: the calls without frames did not fit the section header\'s room; they are kept in memory only');
      }
    } catch (e) {
      this.o.log(`experiment: could not write the calls into ${this.o.writer.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Stops the capture, after every frame captured so far has arrived; closes the autosave. */
  stop(error?: CaptureStatus['error'], limit?: CaptureStatus['limit']): Promise<void> {
    if (!this.stopping) {
      const { source, writer } = this.o;
      this.stopping = (async () => {
        if (this.timer) clearTimeout(this.timer);
        source.setStatus({ ...source.status, state: 'stopping' });
        try {
          const final = await this.session?.stop();
          if (final) source.counters.droppedByKernel = final.droppedByKernel + final.droppedByInterface;
        } catch (e) {
          this.o.log(`stopping the capture failed: ${e instanceof Error ? e.message : String(e)}`);
        }
        this.active = false;
        this.owners.stop();
        this.writeStory();
        writer.close();
        const { state: _s, error: _e, ...rest } = source.status;
        source.setStatus({ ...rest, state: error ? 'error' : 'idle', ...(error ? { error } : {}), ...(limit ? { limit } : {}) });
        this.o.onEnded();
      })();
    }
    return this.stopping;
  }
}
