// The app asks the back end for one frame at a time (getFrame), in whatever order the user clicks; the
// store re-dissects that frame alone. On the captures where a frame depends most on the frames before it
// (reassembled fragments and TCP segments, DNS and HTTP request/response links, UDP stream numbers,
// time deltas), every frame fetched this way, in reverse and in a shuffled order, must equal what
// `decode --jsonl` prints for it from the whole file; and the reassembled buffers the hex view shows must
// be the bytes tshark reports as reassembled.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import type { DecodedFrame, Field } from '../../main/engine/types';
import { corpusFiles } from '../helpers/corpus';
import { decodeFile } from '../helpers/decode';
import { cli, cliBuilt } from '../helpers/cli';
import { RecordingClient } from './service-helpers';

const dir = mkdtempSync(join(tmpdir(), 'hl-detail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILES = corpusFiles().filter((f) => /^reasm\/|^noise\/(dns|http|ping4)|^tcp\/(frag-udp|ipv6-ext|ipv4-options-frag|icmp-errors)/.test(f.name));

/** `decode --jsonl` of the file (the built CLI; in-process when it is not built), as plain JSON. */
function decodeJsonl(path: string): unknown[] {
  if (cliBuilt) {
    const r = cli(['decode', path, '--jsonl']);
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
  }
  return decodeFile(path).map((f) => JSON.parse(JSON.stringify(f)) as unknown);
}

/** A value of `name` anywhere in the frame's tree. */
function valueOf(frame: DecodedFrame, name: string): unknown {
  const walk = (fs: readonly Field[]): unknown => {
    for (const f of fs) {
      if (f.name === name) return f.value;
      const v = walk(f.children);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  for (const l of frame.layers) {
    const v = walk(l.fields);
    if (v !== undefined) return v;
  }
  return undefined;
}

describe('the app\'s frame detail equals decode --jsonl, frame by frame in any order', () => {
  it('has the reassembly, DNS and HTTP captures', () => expect(FILES.length).toBeGreaterThan(15));
  for (const { path, name } of FILES) {
    it(name, async () => {
      const expected = decodeJsonl(path);
      const s = new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: join(dir, 'data') });
      const c = new RecordingClient('a');
      const opened = await s.handle('openFile', { path }, c);
      expect(opened.frames).toBe(expected.length);
      const order = expected.map((_, i) => i + 1).reverse();
      // And a shuffled order (deterministic), so no frame is asked for right after the one before it.
      const shuffled = order.map((n, i) => ({ n, k: (n * 7919 + i * 104729) % 1000003 })).sort((a, b) => a.k - b.k).map((x) => x.n);
      for (const n of [...order, ...shuffled]) {
        const d = await s.handle('getFrame', { number: n }, c);
        expect(JSON.parse(JSON.stringify(d.frame)), `${name} frame ${n}`).toEqual(expected[n - 1]);
        const sources = d.frame.sources ?? [];
        expect(d.sourceBytes?.length ?? 0, `${name} frame ${n}: buffers`).toBe(sources.length);
        sources.forEach((src, i) => expect(d.sourceBytes![i].length / 2, `${name} frame ${n}: ${src.name}`).toBe(src.length));
        // The buffer behind the reassembled items is the data tshark's fields report as reassembled.
        for (const field of ['tcp.reassembled.data', 'ip.reassembled.data', 'ipv6.reassembled.data']) {
          const v = valueOf(d.frame, field);
          if (typeof v === 'string') expect(d.sourceBytes, `${name} frame ${n}: ${field}`).toContain(v);
        }
      }
    });
  }
});
