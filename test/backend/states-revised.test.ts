// Live views learn a state later: a segment is received when captured unless its receiver's next segment
// shows otherwise (DECISIONS 1), so the states pushed with a frame's transitions may be corrected by a
// later frame. Through the sessions of the back end, every frame whose pushed states differ from the
// settled ones (decode --jsonl on the whole file) must be covered by a statesRevised push for its stream,
// and the rows pulled again from there must carry the settled states.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import type { EndpointStates } from '../../main/api/types';
import { corpusFiles } from '../helpers/corpus';
import { decodeFile } from '../helpers/decode';
import { cli, cliBuilt } from '../helpers/cli';
import { RecordingClient } from './service-helpers';
import { setLoadWorkerFile } from '../../main/backend/load-thread';

// Loaded on the event loop, and through the loading thread (built by `npm run build`), whose own store
// makes the first pass and hands it over by deltas: the revisions must reach the views either way.
const workerFile = join(__dirname, '..', '..', 'out', 'main', 'load-worker.js');
const MODES: [string, string | null][] = [['on the event loop', null], ['stored on the loading thread', workerFile]];

const dir = mkdtempSync(join(tmpdir(), 'hl-revised-'));
afterAll(() => {
  setLoadWorkerFile(undefined);
  rmSync(dir, { recursive: true, force: true });
});

// The captures where FINs or SYNs crossed, so a receipt happens after the segment was captured.
const FILES = corpusFiles().filter((f) => /kernel-simultaneous-(close|open)\.pcap$/.test(f.name));

/** Each frame's settled states, as decode --jsonl prints them from the whole file. */
function settledStates(path: string): (EndpointStates | null)[] {
  if (cliBuilt) {
    const r = cli(['decode', path, '--jsonl']);
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { states?: EndpointStates | null }).states ?? null);
  }
  return decodeFile(path).map((f) => f.states ?? null);
}

describe('statesRevised reaches the session viewing the source, and re-pulled rows carry the settled states', () => {
  it('has the crossing captures', () => expect(FILES.length).toBe(2));
  for (const { path, name } of FILES) for (const [mode, worker] of MODES) {
    it(`${name} (${mode})`, async () => {
      if (worker && !existsSync(worker)) throw new Error(`${worker} is missing: run npm run build first`);
      setLoadWorkerFile(worker);
      const settled = settledStates(path);
      const s = new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: join(dir, 'data') });
      const a = new RecordingClient('a');
      await s.handle('openFile', { path }, a);
      s.tick();
      const pushed = new Map<number, { stream: number; states: EndpointStates }>();
      for (const batch of a.of('transitions')) for (const t of batch) pushed.set(t.frame, { stream: t.stream, states: t.states });
      const revised = a.of('statesRevised').flat();
      const wrong = [...pushed].filter(([frame, p]) => JSON.stringify(p.states) !== JSON.stringify(settled[frame - 1]));
      // The crossing is what this file is about: some pushed state was provisional and is corrected.
      expect(wrong.length, `${name}: no pushed state differs from the settled ones`).toBeGreaterThan(0);
      for (const [frame, p] of wrong) {
        expect(revised.some((r) => r.stream === p.stream && r.fromFrame <= frame), `${name}: frame ${frame} corrected`).toBe(true);
      }
      const from = Math.min(...revised.map((r) => r.fromFrame));
      const { rows } = await s.handle('getFrames', { start: from - 1, count: settled.length }, a);
      for (const row of rows) expect(row.states, `${name}: row ${row.number}`).toEqual(settled[row.number - 1]);
      await s.dispose();
    });
  }
});
