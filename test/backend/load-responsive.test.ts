// Requests keep being answered while a large file loads (the store ingests in steps and yields between
// them): no timing asserted, only order — answers that arrived before the load finished, with the
// frames stored so far growing between them.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { RecordingClient } from './service-helpers';
// @ts-expect-error a plain script (the bench's generator), without types
import { generate } from '../../scripts/bench/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'hl-load-responsive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('requests during a load', () => {
  it('getStatus and getFrames are answered before a 60k-frame load finishes', async () => {
    const file = join(dir, 'big.pcap');
    (generate as (path: string, o: { frames: number }) => void)(file, { frames: 60_000 });
    const s = new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: join(dir, 'data') });
    const c = new RecordingClient('a');
    let finished = false;
    const open = s.handle('openFile', { path: file }, c).then((p) => { finished = true; return p; });
    const seen: number[] = [];
    let rowsDuringLoad = 0;
    while (!finished) {
      const st = await s.handle('getStatus', {}, c);
      if (finished) break;
      seen.push(st.counters.decoded);
      const page = await s.handle('getFrames', { start: 0, count: 20 }, c);
      if (!finished && page.rows.length) rowsDuringLoad++;
      await new Promise((r) => setTimeout(r, 5));
    }
    const done = await open;
    expect(done).toMatchObject({ done: true, frames: 60_000 });
    // Answered during the load, with frames stored in between (not all at once at the end).
    const partial = seen.filter((n) => n > 0 && n < 60_000);
    expect(partial.length).toBeGreaterThan(1);
    expect(new Set(partial).size).toBeGreaterThan(1);
    expect(rowsDuringLoad).toBeGreaterThan(0);
    // Connections are listed as their frames are stored: after the load, all of them.
    expect((await s.handle('listConnections', {}, c)).length).toBeGreaterThan(100);
  }, 120_000);
});
