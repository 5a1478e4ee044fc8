// A pcapng file of nothing but interface (or section) blocks cost the reader a few hundred bytes each, for
// ever: 260 MB of 20-byte interface blocks once held 3.7 GB of a server (fresh eyes). The reader stops past
// 65,536 interfaces or sections with the limit named, after the frames before that point.
import { describe, expect, it } from 'vitest';
import { CaptureReader, MAX_INTERFACES, MAX_SECTION_COMMENTS, MAX_SECTIONS } from '../../main/engine/io/reader';
import type { RawFrame } from '../../main/engine/types';

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  return Buffer.concat([u32(type), u32(total), body, u32(total)]);
}
const shb = block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d), Buffer.from([1, 0, 0, 0]), Buffer.alloc(8, 0xff)]));
const idb = block(1, Buffer.concat([Buffer.from([1, 0, 0, 0]), u32(262144)]));
const epb = block(6, Buffer.concat([u32(0), u32(0), u32(1000), u32(60), u32(60), Buffer.alloc(60)]));

/** Reads `bytes` in 1 MiB chunks: the frames, and the error it stopped with. */
function read(bytes: Buffer): { frames: RawFrame[]; error: Error | null; interfaces: number } {
  const reader = new CaptureReader();
  const frames: RawFrame[] = [];
  try {
    for (let at = 0; at < bytes.length; at += 1 << 20) reader.push(bytes.subarray(at, at + (1 << 20)), (f) => frames.push(f));
    reader.end();
    return { frames, error: null, interfaces: reader.interfaces.length };
  } catch (e) {
    return { frames, error: e as Error, interfaces: reader.interfaces.length };
  }
}

describe('pcapng interfaces and sections per file', () => {
  it(`${MAX_INTERFACES} interfaces are read; one more stops the file with the limit named, after the frames before`, () => {
    const ok = read(Buffer.concat([shb, idb, epb, ...Array<Buffer>(MAX_INTERFACES - 1).fill(idb)]));
    expect(ok.error).toBeNull();
    expect(ok.interfaces).toBe(MAX_INTERFACES);
    const over = read(Buffer.concat([shb, idb, epb, ...Array<Buffer>(MAX_INTERFACES).fill(idb), epb]));
    expect(over.frames.length).toBe(1);
    expect(over.interfaces).toBe(MAX_INTERFACES);
    expect(over.error?.message).toMatch(new RegExp(`^too large: more than ${MAX_INTERFACES} interfaces \\(interface description blocks\\) in one file, the most Handshake Lab reads \\(at byte \\d+\\)$`));
  });

  it(`${MAX_SECTIONS} sections are read; one more stops the file with the limit named`, () => {
    const one = Buffer.concat([shb, idb]);
    const ok = read(Buffer.concat([...Array<Buffer>(MAX_SECTIONS).fill(one), epb]));
    expect(ok.error).toBeNull();
    expect(ok.frames.length).toBe(1);
    const over = read(Buffer.concat([...Array<Buffer>(MAX_SECTIONS).fill(shb), shb, idb, epb]));
    expect(over.frames.length).toBe(0);
    expect(over.error?.message).toMatch(new RegExp(`^too large: more than ${MAX_SECTIONS} sections \\(section header blocks\\) in one file`));
  });
});

describe('section header comments per file', () => {
  it(`the first ${MAX_SECTION_COMMENTS} are kept, then a note says the rest were left out (fresh eyes: 31 MB of tiny ones took 532 MB)`, () => {
    // A section header of 1,000 two-byte comments (option 1, length 2, padded to 4), 30 times.
    const opts = Buffer.concat([...Array.from({ length: 1000 }, (_, i) => Buffer.concat([Buffer.from([1, 0, 2, 0]), Buffer.from(String(i % 100).padStart(2, '0')), Buffer.alloc(2)])), Buffer.alloc(4)]);
    const many = block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d), Buffer.from([1, 0, 0, 0]), Buffer.alloc(8, 0xff), opts]));
    const reader = new CaptureReader();
    reader.push(Buffer.concat([...Array<Buffer>(30).fill(many), idb, epb]), () => undefined);
    reader.end();
    const kept = reader.sectionComments.flat();
    expect(kept.length).toBe(MAX_SECTION_COMMENTS + 1);
    expect(kept.slice(0, 3)).toEqual(['00', '01', '02']);
    expect(kept[MAX_SECTION_COMMENTS]).toBe('[Handshake Lab keeps the first 10,000 section header comments of a file (4 MB at most): the rest are left out]');
    expect(reader.sectionComments.length).toBe(30);
  });
});
