// A pcapng block whose total length is 2³¹ or more: the reader names it as tshark does ("total block length
// 4294967280 is too large"), with the length as an unsigned number (a signed slip once made it "-16 is too
// small"), after the good frames before it; a length that wraps to 0 when rounded up, as in wiretap, and a
// length of 0 stop the reader too (never a loop on the same block). tshark reads the same bytes at test time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeLenient } from '../helpers/corpus';
import { hasTshark, tsharkRun } from '../helpers/tshark';

const dir = mkdtempSync(join(tmpdir(), 'hl-block-length-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  return Buffer.concat([u32(type), u32(total), body, u32(total)]);
}

/** A section and an Ethernet interface, one 60-byte frame, then a block header claiming `length` bytes. */
function fileWith(length: number): string {
  const shb = block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d), Buffer.from([1, 0, 0, 0]), Buffer.alloc(8, 0xff)]));
  const idb = block(1, Buffer.concat([Buffer.from([1, 0, 0, 0]), u32(262144)]));
  const frame = Buffer.alloc(60);
  const epb = block(6, Buffer.concat([u32(0), u32(0), u32(1000), u32(60), u32(60), frame]));
  const bad = Buffer.concat([u32(6), u32(length), Buffer.alloc(64)]);
  const path = join(dir, `len-${length.toString(16)}.pcapng`);
  writeFileSync(path, Buffer.concat([shb, idb, epb, bad]));
  return path;
}

describe.skipIf(!hasTshark())('pcapng block lengths of 2³¹ and more', () => {
  for (const length of [0xfffffff0, 0x80000000, 0x80000001]) {
    it(`0x${length.toString(16)}: tshark's words, after the frame before it`, () => {
      const path = fileWith(length);
      const theirs = tsharkRun(['-r', path, '-T', 'fields', '-e', 'frame.number']);
      const said = /pcapng: (total block length \d+ is too large[^)]*\))/.exec(theirs.stderr);
      expect(said, theirs.stderr).not.toBeNull();
      const { frames, error } = decodeLenient(path);
      expect(frames.length).toBe(theirs.stdout.trim().split('\n').length);
      expect(error?.message).toContain(said![1]);
    });
  }
  for (const length of [0, 0xfffffffd, 0xffffffff]) {
    it(`0x${length.toString(16)}: a length of 0 once rounded up, as tshark reads it`, () => {
      const path = fileWith(length);
      const theirs = tsharkRun(['-r', path, '-T', 'fields', '-e', 'frame.number']);
      expect(theirs.stderr).toContain('total block length 0 ');
      const { frames, error } = decodeLenient(path);
      expect(frames.length).toBe(1);
      expect(error?.message).toContain('total block length 0 ');
    });
  }
});
