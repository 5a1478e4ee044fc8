// decode --fields builds no tree: every dissector hands its items' values to a FieldSink instead. This
// checks that nothing is lost or reordered that way: on every corpus capture, for every field the engine
// registers, the values collected equal the occurrences in the full tree of the same frame.
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../main/engine/decoder';
import { FieldSink } from '../../main/engine/fields/tree';
import { allFields } from '../../main/engine/fields/registry';
import { readCaptureFile } from '../../main/capture/file-source';
import { corpusFiles, decodeLenient, NOT_CAPTURES } from '../helpers/corpus';
import { occurrences } from '../helpers/decode';

const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));

describe('values collected without a tree equal the tree', () => {
  // Registered after the dissectors load (decodeLenient imports them all).
  const names = () => allFields().map((f) => f.name);

  for (const { path, name } of files) {
    it(name, () => {
      const { frames } = decodeLenient(path);
      const all = names();
      const sink = new FieldSink(all);
      const dec = new Decoder();
      const problems: string[] = [];
      let seen = 0, compared = 0;
      try {
        readCaptureFile(path, (raw) => {
          dec.decodeFields(raw, sink);
          const frame = frames[seen++];
          for (const n of all) {
            const want = occurrences(frame, n);
            const got = sink.values(n);
            compared += want.length;
            if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`frame ${frame.frame} ${n}: collected ${JSON.stringify(got)}, tree ${JSON.stringify(want)}`);
          }
        });
      } catch {
        /* a damaged file: the frames before the damage are compared */
      }
      expect(seen).toBe(frames.length);
      expect(compared, 'values compared').toBeGreaterThan(frames.length);
      expect(problems.slice(0, 20), problems.join('\n').slice(0, 4000)).toEqual([]);
    });
  }

  it('tells wanted fields from the rest and forgets a frame on clear()', () => {
    const sink = new FieldSink(['tcp.srcport', 'tcp.srcport', 'ip.src']);
    expect(sink.wants('tcp.srcport')).toBe(true);
    expect(sink.wants('tcp.dstport')).toBe(false);
    sink.put('tcp.srcport', 1);
    sink.put('tcp.dstport', 2);
    sink.put('tcp.srcport', 3);
    expect(sink.values('tcp.srcport')).toEqual([1, 3]);
    expect(sink.values('tcp.dstport')).toEqual([]);
    sink.clear();
    expect(sink.values('tcp.srcport')).toEqual([]);
    expect(sink.count(sink.slot('ip.src'))).toBe(0);
  });
});
