// The host's live capture and experiments: one capture and one experiment at a time on this machine,
// each into a source of its own with an autosave file. A second start is refused with `busy` (the slot is
// taken before anything is awaited, so concurrent starts cannot both get it); students' experiments,
// when the teacher enables them, wait their turn in a bounded queue, each on a free port the server picks
// and with slow motion capped. An experiment's server listens before its capture starts, on the port asked
// for or, when another program holds it, on another it may use (the desktop and the CLI: any free port;
// a browser: the next of the ports the server allows), and says so; its programs' calls are the story of
// its source (experiment-story.ts). The server's own port is left out of a capture on the interface that
// carries it, so the app does not record its own WebSocket traffic.
import { join } from 'node:path';
import { ApiError } from '../api/contract';
import { planFor, type ExperimentPlan } from '../api/experiment';
import type { RequestParams } from '../api/requests';
import type { CaptureStatus, ExperimentResult, NetworkInterface } from '../api/types';
import { experimentFilter, PortsInUseError, PreparedExperiment } from '../capture/experiment/scenarios';
import type { LiveCaptureOptions } from '../capture/live-capture';
import { permissionHelp } from '../capture/permission-help';
import { PcapngAutosave } from './autosave';
import { ExperimentStory } from './experiment-story';
import { captureFileName, capturesDir } from './data-dir';
import type { Hub } from './hub';
import { LiveRun } from './live-run';
import { isLoopbackAddress } from './net-address';
import { pruneAutosaves } from './retention';
import type { Session } from './session';
import type { Source } from './source';

/** Where this server listens: a capture on the interface that carries it leaves its port out. */
export interface ServerAddress { host: string; port: number }

export class Captures {
  /** The host's one live capture (taken before its start is awaited). */
  private live: { owner: Session; run: LiveRun | null; source: Source | null; interface: string } | null = null;
  private experimentBusy = false;
  private readonly queue: (() => void)[] = [];
  private server: ServerAddress | null = null;
  /** Ports a browser client's experiment may use; students get a free port picked by the server. */
  allowedPorts: number[] = [12345];
  /** Students may run experiments (the teacher's switch). */
  studentsMayExperiment = false;
  /** Record the server's own traffic too (off by default). */
  includeOwnTraffic = false;

  constructor(private readonly hub: Hub) {
    // Nobody looks at a running capture any more and nothing shares it: stop it.
    hub.onRelease((src) => {
      const run = this.live?.source === src ? this.live.run : null;
      if (!run?.running) return;
      src.pins++;
      void run.stop().finally(() => hub.unpin(src));
    });
  }

  setServerAddress(a: ServerAddress | null): void {
    this.server = a;
  }

  get capturing(): boolean {
    return this.live !== null;
  }

  /** The source of the host's capture while it runs (serve --capture shares it). */
  get liveSource(): Source | null {
    return this.live?.source ?? null;
  }

  private unavailable(): ApiError {
    return new ApiError('capture_unavailable', `live capture is not available in this process. ${permissionHelp().steps[0]}`);
  }

  /** A new source with its autosave file, for a capture or an experiment (whose story's comments it reserves room for). */
  private async newLiveSource(kind: 'capture' | 'experiment', what: string, snaplen: number, story?: ExperimentStory): Promise<{ source: Source; writer: PcapngAutosave }> {
    const dataDir = this.hub.dataDir;
    let writer: PcapngAutosave;
    try {
      const path = join(capturesDir(dataDir), captureFileName(what));
      writer = new PcapngAutosave(path, { interfaceName: what, snaplen, ...(story ? { comments: story.headerComments(), headerRoom: story.headerRoom } : {}) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new ApiError('file_error', `cannot write the capture's autosave file under ${join(dataDir, 'captures')} (${code}); set HANDSHAKE_LAB_DATA_DIR to a writable folder`);
    }
    // Old autosaves go now, oldest first; never one that is open or being written.
    const inUse = new Set([writer.path, ...[...this.hub.liveSources()].map((s) => s.file).filter((f): f is string => !!f)]);
    void pruneAutosaves(capturesDir(dataDir), { files: this.hub.limits.autosaveFiles, bytes: this.hub.limits.autosaveBytes }, inUse)
      .then((gone) => { if (gone.length) this.hub.log(`autosave retention removed ${gone.length} old capture(s)`); })
      .catch((e: unknown) => this.hub.log(`autosave retention failed: ${e instanceof Error ? e.message : String(e)}`));
    const source = this.hub.newSource(kind, writer.path, kind === 'capture' ? what : `experiment-${what}`);
    if (story) source.story = story.log;
    return { source, writer };
  }

  // ---- the host's live capture ----

  async startCapture(s: Session, p: RequestParams<'startCapture'>): Promise<CaptureStatus> {
    const cap = this.hub.capture;
    if (!cap) throw this.unavailable();
    if (this.live) throw new ApiError('busy', `a capture is already running on ${this.live.interface} (one at a time on this machine); stop it first`);
    const slot: NonNullable<Captures['live']> = { owner: s, run: null, source: null, interface: p.interface };
    this.live = slot;
    try {
      const avail = await cap.availability();
      if (!avail.available) throw new ApiError('capture_unavailable', avail.reason ?? 'live capture is not available');
      const request: LiveCaptureOptions = { interface: p.interface, filter: p.filter, snaplen: p.snaplen };
      const excluded = await this.ownTraffic(p.interface);
      if (excluded) request.filter = p.filter ? `(${p.filter}) and not (${excluded})` : `not (${excluded})`;
      const { source, writer } = await this.newLiveSource('capture', p.interface, p.snaplen);
      slot.source = source;
      this.hub.show(s, source, 'capture');
      slot.run = await LiveRun.start({
        capture: cap, request, kind: 'live', source, writer,
        shown: { filter: p.filter, ...(excluded ? { excluded } : {}) },
        limits: { bytes: this.hub.limits.captureBytes, seconds: this.hub.limits.captureSeconds },
        log: this.hub.log,
        onError: (err) => { for (const v of source.viewers) (v as Session).emit('error', err); },
        onEnded: () => {
          if (this.live === slot) this.live = null;
          this.hub.tick();
          this.hub.letGo(source);
        },
      });
      return { ...source.status };
    } catch (e) {
      if (this.live === slot) this.live = null;
      throw e;
    }
  }

  async stopCapture(s: Session): Promise<CaptureStatus> {
    const slot = this.live;
    if (!slot?.run) return s.status();
    await slot.run.stop();
    return { ...(slot.source as Source).status };
  }

  /** The BPF expression of the server's own traffic, when `iface` carries it (else null). */
  private async ownTraffic(iface: string): Promise<string | null> {
    const srv = this.server;
    if (!srv || this.includeOwnTraffic) return null;
    const wildcard = srv.host === '0.0.0.0' || srv.host === '::' || srv.host === '';
    let list: NetworkInterface[] = [];
    try {
      list = (await this.hub.capture?.listInterfaces()) ?? [];
    } catch { /* starting will say what is wrong */ }
    const it = list.find((i) => i.name === iface);
    const carries = wildcard || iface === 'any' || (it !== undefined && (
      it.addresses.some((a) => sameAddress(a, srv.host)) || (isLoopbackAddress(srv.host) && it.loopback)));
    return carries ? `tcp port ${srv.port}` : null;
  }

  // ---- experiments ----

  async runExperiment(s: Session, p: RequestParams<'runExperiment'>, onStep = this.hub.options.onExperimentStep): Promise<ExperimentResult> {
    const cap = this.hub.capture;
    if (!cap) throw new ApiError('capture_unavailable', `the experiment needs live capture, which is not available in this process. ${permissionHelp().steps[0]}`);
    let slowMotionMs = p.slowMotionMs;
    if (s.student) {
      if (!this.studentsMayExperiment) {
        throw new ApiError('forbidden', 'experiments on the teacher\'s machine are not enabled for the class: follow the teacher\'s shared run, or use the lesson\'s recorded capture');
      }
      slowMotionMs = Math.min(slowMotionMs, this.hub.limits.studentSlowMotionMs);
      await this.waitTurn();
    } else {
      if (!s.trust.anyPort && !this.allowedPorts.includes(p.port)) {
        throw new ApiError('forbidden', `experiments on this server may use port ${this.allowedPorts.join(', ')} only (serve --experiment-ports allows others)`);
      }
      if (this.experimentBusy) throw new ApiError('busy', 'an experiment is already running (one at a time on this machine); wait for it to finish');
      this.experimentBusy = true;
    }
    try {
      const { port: _asked, ...choices } = p;
      return await this.experiment(s, planFor({ ...choices, slowMotionMs }), p.port, onStep);
    } finally {
      const next = this.queue.shift();
      if (next) next(); else this.experimentBusy = false;
    }
  }

  /** A student's turn: at once when no experiment runs, else after those queued before. */
  private waitTurn(): Promise<void> {
    if (!this.experimentBusy) {
      this.experimentBusy = true;
      return Promise.resolve();
    }
    if (this.queue.length >= this.hub.limits.experimentQueue) {
      return Promise.reject(new ApiError('busy', `${this.queue.length} experiments are already waiting; try again in a minute`));
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  /**
   * The experiment's server listens (the refused variant's port is made sure free) before anything is
   * captured or shown, on a port this session may use: a student's, one the kernel picks (the student
   * chooses none); the desktop's and the CLI's, the one asked for or any free one; a browser's, the one
   * asked for or the next free one of those the server allows; none free is said as such (port_in_use).
   */
  private async prepare(s: Session, plan: ExperimentPlan, asked: number): Promise<PreparedExperiment> {
    const open = s.student ? { port: 0, anyFree: false }
      : s.trust.anyPort ? { port: asked, anyFree: true }
        : { port: asked, alternatives: this.allowedPorts, anyFree: false };
    try {
      return await PreparedExperiment.open(plan, open.port, open);
    } catch (e) {
      if (e instanceof PortsInUseError) {
        throw new ApiError('port_in_use', `the ${plan.variant} experiment cannot run: ${e.message}, and experiments from a browser may use ${this.allowedPorts.length > 1 ? 'ports' : 'port'} ${this.allowedPorts.join(', ')} only on this server; stop the program that holds ${e.ports.length > 1 ? 'them' : 'it'}, or start serve with --experiment-ports to allow another`);
      }
      throw new ApiError('internal', `the ${plan.variant} experiment could not listen on port ${open.port || 'any'}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async experiment(s: Session, plan: ExperimentPlan, asked: number, onStep: typeof this.hub.options.onExperimentStep): Promise<ExperimentResult> {
    const cap = this.hub.capture!;
    const lo = (await cap.listInterfaces()).find((i) => i.loopback);
    if (!lo) throw new ApiError('no_such_interface', 'no loopback interface to capture the experiment on');
    // Listening sends nothing, so it comes before the capture: a failure here leaves the session's view as it was.
    const prepared = await this.prepare(s, plan, asked);
    try {
      const port = prepared.port;
      if (prepared.portNote) this.hub.log(`experiment: port ${asked} is in use; running on port ${port}`);
      const filter = experimentFilter(port);
      const story = new ExperimentStory(plan, port);
      const { source, writer } = await this.newLiveSource('experiment', plan.variant, 262144, story);
      this.hub.show(s, source, 'experiment');
      // Running, the experiment keeps its source (its session may look elsewhere meanwhile).
      source.pins++;
      try {
        const run = await LiveRun.start({
          capture: cap, request: { interface: lo.name, filter, snaplen: 262144 }, shown: { filter }, kind: 'experiment', source, writer, story,
          limits: { bytes: this.hub.limits.captureBytes, seconds: null }, log: this.hub.log,
          onError: (err) => { for (const v of source.viewers) (v as Session).emit('error', err); },
          onEnded: () => this.hub.tick(),
        });
        try {
          const outcome = await prepared.run({
            onStep,
            onEvent: (ev, phase, call) => {
              story.event(ev, phase, call);
              if (phase === 'return') {
                if (call.call === 'connect') story.clientPortKnown(prepared.clientPort);
                this.hub.options.onExperimentEvent?.(ev);
              }
              source.pushStory();
            },
          });
          story.clientPortKnown(outcome.clientPort);
        } catch (e) {
          throw new ApiError('internal', `the ${plan.variant} experiment failed: ${e instanceof Error ? e.message : String(e)}`);
        } finally {
          await settle(source);
          // The calls that sent nothing go into the section header as the run stops (live-run.ts).
          await run.stop();
          source.pushStory();
        }
        if (source.status.state === 'error' && source.status.error) {
          throw new ApiError(source.status.error.code, `the capture of the ${plan.variant} experiment failed: ${source.status.error.message}`);
        }
        const streams = source.store.connections().map((c) => c.stream);
        return {
          variant: plan.variant, frames: source.store.total, streams, port, events: story.log.events,
          ...(prepared.portNote ? { portNote: prepared.portNote } : {}), ...(s.student ? {} : { file: writer.path }),
        };
      } finally {
        this.hub.unpin(source);
      }
    } finally {
      await prepared.dispose();
    }
  }

  /** Stops the capture (the experiment finishes on its own; its capture stops with it). */
  async stopAll(): Promise<void> {
    await this.live?.run?.stop();
  }
}

/** Waits until the capture has been quiet for a moment, so the last segments are in. */
async function settle(source: Source): Promise<void> {
  const start = Date.now();
  source.lastFrameAt = Math.max(source.lastFrameAt, start);
  while (Date.now() - source.lastFrameAt < 150 && Date.now() - start < 2000) await new Promise((r) => setTimeout(r, 25));
}

function sameAddress(a: string, b: string): boolean {
  const norm = (x: string) => x.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1').replace(/%.*$/, '');
  return norm(a) === norm(b);
}
