// Wires the back end's pushes to the stores, and re-syncs after (re)connecting. Live pushes are applied at
// most once per animation frame: a burst of batches costs one render.
import { useTransport, type ApiEvents, type ConnectionSummary, type FrameRow, type HandshakeLabClient } from '../api';
import { useAppStore } from './app';
import { useClassroomStore } from './classroom';
import { useConnectionsStore } from './connections';
import { useLadderStore } from './ladder';
import { useLessonsStore } from './lessons';
import { useNoticesStore } from './notices';
import { usePacketsStore } from './packets';
import { useSelectionStore } from './selection';
import { useSettingsStore } from './settings';
import { useStepStore } from './step';

const raf: (cb: () => void) => unknown = typeof requestAnimationFrame === 'function' ? requestAnimationFrame : (cb) => setTimeout(cb, 16);

export function startSync(client: HandshakeLabClient = useTransport().client): () => void {
  const app = useAppStore();
  const packets = usePacketsStore();
  const connections = useConnectionsStore();
  const ladder = useLadderStore();
  const step = useStepStore();
  const selection = useSelectionStore();
  const notices = useNoticesStore();
  const classroom = useClassroomStore();

  let pendingTotal: number | null = null;
  /** The newest pushed rows not yet applied (bounded: older ones can be pulled). */
  let pendingRows: FrameRow[] = [];
  const pendingConns = new Map<number, ConnectionSummary>();
  /** Streams whose states were corrected, with the earliest frame corrected. */
  const pendingRevised = new Map<number, number>();
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pendingTotal !== null) {
      packets.appendTail(pendingRows, pendingTotal);
      pendingTotal = null;
      pendingRows = [];
    }
    if (pendingConns.size) {
      const list = [...pendingConns.values()];
      pendingConns.clear();
      connections.merge(list);
      const sel = list.find((c) => c.stream === ladder.stream);
      if (sel) growLadder(sel);
    }
    if (pendingRevised.size) {
      packets.reviseStates(pendingRevised);
      const shown = ladder.stream === null ? undefined : pendingRevised.get(ladder.stream);
      if (shown !== undefined) void ladder.revise(ladder.stream as number, shown);
      pendingRevised.clear();
    }
  };

  // The selected connection's ladder follows live growth at most 5 times a second (one page pull each).
  let ladderAt = 0;
  let ladderTimer: ReturnType<typeof setTimeout> | null = null;
  let ladderNext: ConnectionSummary | null = null;
  const growLadder = (c: ConnectionSummary): void => {
    ladderNext = c;
    if (ladderTimer) return;
    ladderTimer = setTimeout(() => {
      ladderTimer = null;
      ladderAt = Date.now();
      const sel = ladderNext!;
      if (sel.stream !== ladder.stream) return;
      const atEnd = step.index >= ladder.total - 1;
      void ladder.grow(sel, app.live).then(() => {
        // Watching live: follow the newest segment, animating it when it is the next one.
        if (app.live && atEnd && ladder.total - 1 > step.index) void step.goTo(ladder.total - 1, { animate: ladder.total - 1 === step.index + 1 });
      });
    }, Math.max(0, 200 - (Date.now() - ladderAt)));
  };
  const schedule = (): void => {
    if (!scheduled) { scheduled = true; raf(flush); }
  };

  const offs = [
    client.on('frames', (p: ApiEvents['frames']) => {
      // Rows only join up if nothing was skipped in between; otherwise keep just this batch.
      pendingRows = p.skipped || pendingTotal === null || pendingTotal !== p.total - p.rows.length ? p.rows : pendingRows.concat(p.rows);
      if (pendingRows.length > 2000) pendingRows = pendingRows.slice(-2000);
      pendingTotal = p.total;
      schedule();
    }),
    client.on('connections', (p) => { for (const c of p.connections) pendingConns.set(c.stream, c); schedule(); }),
    client.on('experiment', (p) => ladder.applyEvents(p)),
    // States already shown were corrected (a receiver's next segment showed when it had really received
    // earlier ones): the rows and ladder segments from that frame on are pulled again.
    // Applied after the rows and connections pushed with them (in flush), so no stale row outlives it.
    client.on('statesRevised', (p) => {
      for (const r of p) pendingRevised.set(r.stream, Math.min(r.fromFrame, pendingRevised.get(r.stream) ?? Infinity));
      schedule();
    }),
    client.on('status', (p) => app.applyStatus(p)),
    client.on('progress', (p) => app.applyProgress(p)),
    client.on('error', (e) => notices.push({ kind: 'error', code: e.code, detail: e.message })),
    client.on('reset', () => {
      pendingTotal = null;
      pendingRows = [];
      pendingConns.clear();
      pendingRevised.clear();
      app.reset();
      packets.reset();
      connections.reset();
      step.reset();
      selection.reset();
      void ladder.load(null);
    }),
  ];

  const offClassroom = classroom.listen(client);

  async function resync(): Promise<void> {
    try {
      // First say who this is: lesson progress (and a lesson's gate) belong to the learner, across reloads.
      const session = await classroom.hello(client);
      const [info, status] = await Promise.all([client.getAppInfo(), client.getStatus()]);
      app.info = info;
      useSettingsStore().suggestLocale(info.locale);
      app.applySnapshot(status);
      // The server keeps a filter per connection: a new socket starts unfiltered, so re-apply ours.
      if (packets.appliedFilter && packets.appliedFilter !== status.filter) await packets.applyFilter(packets.appliedFilter);
      else { packets.reset(); packets.grow(status.viewTotal); }
      await connections.refresh();
      // A reload in the middle of a lesson takes it up again where the back end has it.
      await useLessonsStore().resume(session?.lesson?.id ?? null);
    } catch (e) {
      notices.error(e, 'connect');
    }
  }

  const transport = useTransport();
  app.link = transport.link();
  const offLink = transport.onLink((s) => {
    app.link = s;
    app.retryInMs = transport.retryInMs();
    if (s === 'open') void resync();
  });
  if (transport.link() === 'open') void resync();

  return () => { for (const off of offs) off(); offClassroom(); offLink(); if (ladderTimer) clearTimeout(ladderTimer); };
}
