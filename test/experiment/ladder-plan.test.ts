// The ladder's plan on a real recording of the classic experiment (its calls read back from the file's
// pcapng comments): calls sit just above the segment they sent, calls that sent nothing fall between the
// segments tshark timestamps around them, the time mode is proportional to tshark's times, and state pills
// never run into the frame number/time column, at any width.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import type { ExperimentEvent, LadderPage, LadderSegment } from '../../main/api/types';
import { ladderPlan } from '../../renderer/src/lib/ladder-plan';
import { arrowAt, ladderLayout, stateMarks } from '../../renderer/src/lib/ladder-geometry';
import { CALL_H, roomyLabels } from '../../renderer/src/lib/ladder-rows';
import { hasTshark, tshark } from '../helpers/tshark';

const FILE = join(__dirname, '..', 'corpus', 'lab', 'experiment-classic.pcapng');
const noTshark = !hasTshark();

let page: LadderPage;
let epoch: number[];
beforeAll(async () => {
  const service = new Service({ transport: 'ipc', capture: null, pushIntervalMs: 0, lessonsDir: null, log: () => undefined });
  const t = { id: 't', emit: () => undefined };
  await service.handle('openFile', { path: FILE }, t);
  page = await service.handle('getLadder', { stream: 0 }, t);
  await service.dispose();
  if (!noTshark) epoch = tshark(['-r', FILE, '-T', 'fields', '-e', 'frame.time_epoch']).trim().split('\n').map(Number);
});

const plan = (mode: 'rows' | 'time', width = 760, events: ExperimentEvent[] = page.events, current?: number) => ladderPlan({
  total: page.segments.length, segmentAt: (i) => page.segments[i], events, mode, L: ladderLayout(width), room: 600, zoom: 1, finalStates: page.summary.states, current,
});

describe('the ladder of a recorded experiment', () => {
  it('reads the calls back from the comments, in order', () => {
    expect(page.events.map((e) => `${e.endpoint} ${e.call}`)).toEqual([
      'server listen', 'client connect', 'server accept', 'client send', 'server recv', 'client close', 'server recv', 'server close', 'server close',
    ]);
  });

  it('rows: a call that sent a segment sits just above it; the others between the segments around their time', () => {
    checkRows(plan('rows'));
    // Placed by time alone (only connect keeps its frame, to set the clock): every call by tshark's times.
    const alone = page.events.map((e) => (e.call === 'connect' ? e : { ...e, frame: null }));
    checkRows(plan('rows', 760, alone));
  });

  function checkRows(p: ReturnType<typeof plan>): void {
    const frameIndex = new Map(page.segments.map((s, i) => [s.frame, i]));
    p.calls.forEach((c, k) => {
      if (c.event.frame !== null) {
        const i = frameIndex.get(c.event.frame)!;
        expect(c.before).toBe(i);
        // Directly above: its row ends where the segment's (or the next call's) begins.
        const below = p.calls[k + 1]?.before === i ? p.model.callTop(k + 1) : p.model.segmentTop(i);
        expect(p.model.callTop(k) + CALL_H).toBe(below);
      } else if (!noTshark) {
        // tshark's clock: the segments above were sent before the call, those below after.
        for (let i = 0; i < page.segments.length; i++) {
          const t = epoch[page.segments[i].frame - 1];
          if (i < c.before) expect(t, `${c.event.call} #${c.event.seq} vs frame ${page.segments[i].frame}`).toBeLessThanOrEqual(c.event.time + 0.001);
          else expect(t, `${c.event.call} #${c.event.seq} vs frame ${page.segments[i].frame}`).toBeGreaterThan(c.event.time - 0.001);
        }
      }
    });
    // Rows never overlap: each segment's row starts below the one before it and its calls.
    for (let i = 1; i < page.segments.length; i++) expect(p.model.segmentTop(i)).toBeGreaterThanOrEqual(p.model.segmentTop(i - 1) + ladderLayout(760).rowH);
    // The client ends in TIME_WAIT: its countdown follows the last row.
    expect(p.timeWait).toEqual(['client']);
  }

  it.skipIf(noTshark)("time: every segment's y is proportional to tshark's time", () => {
    const p = plan('time');
    const ys = page.segments.map((_, i) => p.model.segmentTop(i) + ladderLayout(760).arrowDy);
    const ts = page.segments.map((s) => epoch[s.frame - 1]);
    const k = (ys[ys.length - 1] - ys[0]) / (ts[ts.length - 1] - ts[0]);
    expect(k).toBeGreaterThan(0);
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[0]).toBeCloseTo((ts[i] - ts[0]) * k, 3);
    // Calls at their own time on the same scale.
    p.calls.forEach((c, j) => {
      expect(p.model.callTop(j) + CALL_H / 2 - ys[0]).toBeCloseTo((c.event.time - ts[0]) * k, 0);
    });
  });

  it('time: labels written are at least a line apart, and the current segment always has its label', () => {
    for (let cur = 0; cur < page.segments.length; cur++) {
      const p = plan('time', 760, page.events, cur);
      expect(p.segmentLabels[cur]).toBe(true);
      const shown = [
        ...page.segments.map((_, i) => ({ y: p.model.segmentTop(i) + ladderLayout(760).arrowDy, on: p.segmentLabels[i] })),
        ...p.calls.map((_, j) => ({ y: p.model.callTop(j) + CALL_H / 2, on: p.callLabels[j] })),
      ].filter((x) => x.on).map((x) => x.y).sort((a, b) => a - b);
      for (let i = 1; i < shown.length; i++) expect(shown[i] - shown[i - 1]).toBeGreaterThanOrEqual(22);
    }
    expect(roomyLabels([0, 5, 30, 40, 41], 22, [false, false, false, false, true])).toEqual([true, false, false, false, true]);
  });

  it('state pills stay clear of the frame number and time column, and inside the drawing, at every width', async () => {
    // Linux's 3-segment close moves the client through FIN_WAIT_2 to TIME_WAIT on one segment: the widest pill.
    const service = new Service({ transport: 'ipc', capture: null, pushIntervalMs: 0, lessonsDir: null, log: () => undefined });
    const t = { id: 't', emit: () => undefined };
    await service.handle('openFile', { path: join(__dirname, '..', 'corpus', 'lab', 'ipv4-3seg.pcap') }, t);
    const three = await service.handle('getLadder', { stream: 0 }, t);
    await service.dispose();
    expect(three.segments.some((s) => s.transitions.filter((t) => t.endpoint === 'client').length === 2)).toBe(true);
    const segs: LadderSegment[] = [...page.segments, ...three.segments];
    for (let width = 480; width <= 1600; width += 40) {
      const L = ladderLayout(width);
      segs.forEach((s, i) => {
        const a = arrowAt(s, 100 + i * L.rowH + L.arrowDy, L);
        for (const m of stateMarks(s, a, L)) {
          for (const pill of m.pills) {
            expect(pill.x, `${width}px, frame ${s.frame}: ${pill.text}`).toBeGreaterThan(L.timeX + L.timeW);
            expect(pill.x + pill.w).toBeLessThanOrEqual(L.width);
          }
          // Stacked pills do not overlap each other.
          for (let k = 1; k < m.pills.length; k++) expect(Math.abs(m.pills[k].y - m.pills[k - 1].y)).toBeGreaterThanOrEqual(19);
        }
      });
    }
  });
});
