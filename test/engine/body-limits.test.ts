// HTTP bodies a tree can show only so much of (fresh eyes: a 120 KB JSON body of one 40,000-byte key over
// 40,000 zeros took hours, each value carrying its whole path; a gzip body of short lines, a few KB on the
// wire, filled a 1 GB heap with one tree item per line). Past MAX_JSON_ITEMS values or MAX_LINE_ITEMS lines
// the rest is left out with a note, the counts stay whole, and what comes before is as tshark shows it.
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { Decoder } from '../../main/engine/decoder';
import { MAX_JSON_ITEMS } from '../../main/engine/dissect/json';
import { MAX_LINE_ITEMS } from '../../main/engine/dissect/http-body';
import type { DecodedFrame, Field, RawFrame } from '../../main/engine/types';

/** Raw IPv4 frames (linktype 101) carrying `payload` from 10.0.0.1:80 in segments of at most 60,000 bytes. */
function frames(payload: Uint8Array): RawFrame[] {
  const out: RawFrame[] = [];
  for (let at = 0, i = 0; at < payload.length; at += 60_000, i++) {
    const part = payload.subarray(at, at + 60_000);
    const d = new Uint8Array(40 + part.length);
    const v = new DataView(d.buffer);
    d[0] = 0x45; v.setUint16(2, d.length); d[8] = 64; d[9] = 6;
    d.set([10, 0, 0, 1], 12); d.set([10, 0, 0, 2], 16);
    v.setUint16(20, 80); v.setUint16(22, 40000); v.setUint32(24, 1000 + at); v.setUint32(28, 1); d[32] = 0x50; d[33] = 0x18; v.setUint16(34, 65535);
    d.set(part, 40);
    out.push({ data: d, len: d.length, linktype: 101, interface: 0, tsSec: 1_700_000_000, tsNsec: i * 1000 });
  }
  return out;
}

function response(headers: string, body: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(`HTTP/1.1 200 OK\r\n${headers}Content-Length: ${body.length}\r\n\r\n`);
  const all = new Uint8Array(head.length + body.length);
  all.set(head);
  all.set(body, head.length);
  return all;
}

function last(payload: Uint8Array): DecodedFrame {
  const dec = new Decoder();
  return frames(payload).map((f) => dec.decode(f)).at(-1)!;
}

function count(fs: Field[], name: string): number {
  let n = 0;
  for (const f of fs) n += (f.name === name ? 1 : 0) + count(f.children, name);
  return n;
}

describe('bodies past what a tree shows', () => {
  it('a JSON body of one long key over many values shows its first values and a note', () => {
    const key = 'A'.repeat(40_000);
    const body = new TextEncoder().encode(`{"${key}":[${new Array(40_000).fill('0').join(',')}]}`);
    const f = last(response('Content-Type: application/json\r\n', body));
    const json = f.layers.find((l) => l.protocol === 'json')!;
    expect(json).toBeDefined();
    const numbers = count(json.fields, 'json.value.number');
    expect(numbers).toBeGreaterThan(0);
    expect(numbers).toBeLessThanOrEqual(MAX_JSON_ITEMS);
    expect(f.expert.some((e) => /at most .* JSON values/.test(e.message))).toBe(true);
  });

  it('a gzip body of many short lines shows its first lines, counts them all, and says so', () => {
    const lines = 3 * MAX_LINE_ITEMS;
    const text = 'x\n'.repeat(lines);
    const f = last(response('Content-Type: text/plain\r\nContent-Encoding: gzip\r\n', gzipSync(text)));
    const layer = f.layers.find((l) => l.protocol === 'data-text-lines')!;
    expect(layer.title).toBe(`Line-based text data: text/plain (${lines} lines)`);
    expect(layer.fields.length).toBe(MAX_LINE_ITEMS + 1);
    expect(layer.fields[0].display).toBe('x\\n');
    expect(f.expert.some((e) => /at most 20000 lines/.test(e.message))).toBe(true);
  });

  it('a body within the limits is shown whole, without a note', () => {
    const text = 'line\n'.repeat(100);
    const f = last(response('Content-Type: text/plain\r\n', new TextEncoder().encode(text)));
    const layer = f.layers.find((l) => l.protocol === 'data-text-lines')!;
    expect(layer.fields.length).toBe(100);
    expect(f.expert.some((e) => /Handshake Lab shows at most/.test(e.message))).toBe(false);
  });
});
