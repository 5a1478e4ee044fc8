// The programs' side of an experiment, kept with its capture: each socket call goes into the pcapng comment
// of the first frame it made its endpoint send (tshark shows it as frame.comment), and the calls that send
// nothing (listen, accept, recv…) into the section header's comments. Reading a capture back gives the same
// calls, so a saved experiment tells its story again.
import { eventComment, experimentHeaderComment, parseEventComment, parseExperimentHeader, pyBytes, type CallCauses, type ExperimentPlan, type ScriptCall } from '../api/experiment';
import type { ConnectionSummary, ExperimentEvent } from '../api/types';
import { fastSegment } from '../engine/stats/fast-segment';
import type { RawFrame } from '../engine/types';

const SYN = 0x02, FIN = 0x01, RST = 0x04, ACK = 0x10;

function causedBy(flags: number, len: number, causes: CallCauses): boolean {
  switch (causes) {
    case 'syn': return (flags & SYN) !== 0 && (flags & ACK) === 0;
    case 'data': return len > 0;
    case 'fin': return (flags & FIN) !== 0;
    case 'rst': return (flags & RST) !== 0;
    default: return false;
  }
}

/** The calls of one experiment and the connection they belong to (a live run's, or read from a file). */
export class StoryLog {
  constructor(readonly serverPort: number, public clientPort: number | null, readonly events: ExperimentEvent[] = []) {}

  /** The calls behind a connection: those of the experiment whose ports it has. */
  forConnection(c: Pick<ConnectionSummary, 'client' | 'server'>): ExperimentEvent[] {
    if (!c.server.endsWith(`:${this.serverPort}`)) return [];
    if (this.clientPort !== null && !c.client.endsWith(`:${this.clientPort}`)) return [];
    return this.events;
  }

  /** Reads the calls back from a capture's comments (null when it records no experiment). */
  static fromComments(sectionComments: readonly string[], frameEvents: readonly ExperimentEvent[]): StoryLog | null {
    let head: ReturnType<typeof parseExperimentHeader> = null;
    const events = [...frameEvents];
    for (const c of sectionComments) {
      head ??= parseExperimentHeader(c);
      const e = parseEventComment(c, null);
      if (e) events.push(e);
    }
    if (!head) return null;
    events.sort((a, b) => a.seq - b.seq);
    return new StoryLog(head.serverPort, head.clientPort, events);
  }
}

/** A live run: ties each call to the frame it caused as frames come in, and writes the comments. */
export class ExperimentStory {
  readonly log: StoryLog;
  private pending: { ev: ExperimentEvent; causes: CallCauses }[] = [];

  constructor(private readonly plan: ExperimentPlan, readonly port: number) {
    this.log = new StoryLog(port, null);
  }

  /**
   * Room for the section header: its comments are rewritten at the end with every call that sent nothing,
   * and those can quote the messages (recv's result).
   */
  get headerRoom(): number {
    return 2048 + 4 * (pyBytes(this.plan.message).length + pyBytes(this.plan.reply).length);
  }

  /** The section header's comments: the experiment, and the calls that sent no frame (listen, accept, recv…). */
  headerComments(): string[] {
    return [experimentHeaderComment(this.plan, this.port, this.log.clientPort), ...this.log.events.filter((e) => e.frame === null).map(eventComment)];
  }

  /** A call is about to be made ('call', when it sends a segment) or has returned. */
  event(ev: ExperimentEvent, phase: 'call' | 'return', call: ScriptCall): void {
    if (!this.log.events.includes(ev)) this.log.events.push(ev);
    if (phase === 'call' && call.causes) this.pending.push({ ev, causes: call.causes });
  }

  clientPortKnown(port: number | null): void {
    if (port !== null) this.log.clientPort = port;
  }

  /**
   * Frames about to be stored (numbered from `firstNumber`): the first frame each pending call caused gets
   * its comment. Returns whether any call found its frame.
   */
  annotate(batch: readonly RawFrame[], firstNumber: number): boolean {
    let found = false;
    batch.forEach((raw, i) => {
      if (!this.pending.length) return;
      const seg = fastSegment(raw, firstNumber + i);
      if (typeof seg === 'number') return;
      const from = seg.srcPort === this.port ? 'server' : seg.dstPort === this.port ? 'client' : null;
      if (!from) return;
      const k = this.pending.findIndex((p) => p.ev.endpoint === from && causedBy(seg.flags, seg.len, p.causes));
      if (k < 0) return;
      const { ev } = this.pending[k];
      this.pending.splice(k, 1);
      ev.frame = firstNumber + i;
      raw.comments = [...(raw.comments ?? []), eventComment(ev)];
      found = true;
    });
    return found;
  }
}
