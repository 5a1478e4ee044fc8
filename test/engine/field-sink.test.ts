// decode --fields builds no tree: every dissector hands its items' values to a FieldSink instead. This
// checks that nothing is lost or reordered that way: on every corpus capture, for every field the engine
// registers (and for a few only, when the rest is skipped), the values collected equal the occurrences
// in the full tree of the same frame.
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../main/engine/decoder';
import { collecting, FieldSink, leaf } from '../../main/engine/fields/tree';
import { allFields } from '../../main/engine/fields/registry';
import { readCaptureFile } from '../../main/capture/file-source';
import { corpusFiles, decodeLenient, NOT_CAPTURES } from '../helpers/corpus';
import { occurrences } from '../helpers/decode';
import { REQUIRED_FIELDS } from '../helpers/fields';

const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));

describe('values collected without a tree equal the tree', () => {
  // Registered after the dissectors load (decodeLenient imports them all).
  const names = () => allFields().map((f) => f.name);

  // Every field (nothing is skipped), then a few only: subtrees and texts nobody asked for are then
  // skipped, which must not lose any wanted value.
  const FEW = [...REQUIRED_FIELDS, 'frame.protocols', 'tcp.analysis.ack_rtt', 'tcp.time_delta', 'tcp.connection.syn'];
  for (const { path, name } of files) {
    it(name, () => {
      const { frames } = decodeLenient(path);
      for (const wanted of [names(), FEW]) {
        const sink = new FieldSink(wanted);
        const dec = new Decoder();
        const problems: string[] = [];
        let seen = 0, compared = 0;
        try {
          readCaptureFile(path, (raw) => {
            dec.decodeFields(raw, sink);
            const frame = frames[seen++];
            for (const n of wanted) {
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
      }
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

  it('hands out placeholders that keep nothing from one item to the next (no growth over a long file)', () => {
    const sink = new FieldSink(['tcp.srcport']);
    const tree: ReturnType<typeof leaf>[] = [];
    collecting(sink, () => {
      const a = leaf(tree, 'tcp.options', null, 'Options', 0);
      a.display += ', Timestamps'; // as TCP options extend their summary
      a.children.push(a);
      const b = leaf(tree, 'tcp.srcport', 42926, 'Source Port: 42926', 0);
      expect(b.display).toBe('');
      expect(b.children).toEqual([]);
    });
    expect(tree).toEqual([]);
    expect(sink.values('tcp.srcport')).toEqual([42926]);
  });
});
