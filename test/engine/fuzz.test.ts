// Bad input never throws and never runs away: random bytes, truncations and bit flips of every corpus frame,
// and of whole files through the streaming reader. Deterministic (seeded PRNG), so a failure reproduces.
// "Never hangs" is asserted by output size: a frame's tree stays proportional to its bytes.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decoder } from '../../main/engine/decoder';
import { CaptureReader } from '../../main/engine/io/reader';
import { CaptureFormatError } from '../../main/engine/io/errors';
import type { DecodedFrame, Field, RawFrame } from '../../main/engine/types';
import { corpusFiles, NOT_CAPTURES, rawFramesLenient } from '../helpers/corpus';
import { hasTshark, tsharkFields } from '../helpers/tshark';
import { damagedFiles, fuzzedFrames, randomFrames, type DamagedFile } from '../helpers/fuzz';

function countFields(fs: readonly Field[]): number {
  let n = 0;
  for (const f of fs) n += 1 + countFields(f.children);
  return n;
}

/** Decodes without letting an exception pass unnoticed, and checks the frame is sane and bounded. */
function decodeChecked(dec: Decoder, raw: RawFrame, what: string): DecodedFrame {
  let out: DecodedFrame;
  try {
    out = dec.decode(raw);
  } catch (e) {
    throw new Error(`${what}: decode threw ${(e as Error).stack ?? String(e)}`);
  }
  expect(Array.isArray(out.layers), what).toBe(true);
  const n = out.layers.reduce((s, l) => s + countFields(l.fields), 0);
  // Generous: tshark-like trees are a few items per byte at most; a loop would blow through this.
  expect(n, `${what}: ${n} tree items for ${raw.data.length} bytes`).toBeLessThan(200 + 12 * raw.data.length);
  expect(out.expert.length, what).toBeLessThan(100 + raw.data.length);
  expect(out.info.length, what).toBeLessThan(10_000 + 4 * raw.data.length);
  if (out.malformed) expect(out.expert.some((e) => e.severity === 'error'), `${what}: malformed without an error item`).toBe(true);
  return out;
}

const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));

describe('fuzzed frames never throw', () => {
  it('random bytes on every link type', () => {
    const dec = new Decoder();
    for (const { raw, what } of randomFrames()) decodeChecked(dec, raw, what);
  });

  for (const { path, name } of files) {
    it(`${name}: truncations and bit flips of every frame`, () => {
      const dec = new Decoder();
      for (const { raw, what } of fuzzedFrames(name, rawFramesLenient(path))) decodeChecked(dec, raw, what);
    });
  }
});

/** Pushes a damaged file through a fresh reader in its chunks, decoding every frame; returns the error, if any. */
function readAll({ bytes, chunks, what }: DamagedFile): { frames: number; error: unknown } {
  const reader = new CaptureReader();
  const dec = new Decoder();
  let frames = 0;
  try {
    let pos = 0;
    for (const n of chunks) {
      reader.push(bytes.subarray(pos, pos + n), (raw) => { frames++; decodeChecked(dec, raw, `${what} frame ${frames}`); });
      pos += n;
    }
    reader.end();
    return { frames, error: null };
  } catch (e) {
    return { frames, error: e };
  }
}

describe('damaged files through the reader never throw anything but a format error', () => {
  for (const { path, name } of files) {
    it(name, () => {
      for (const variant of damagedFiles(name, new Uint8Array(readFileSync(path)))) {
        const { frames, error } = readAll(variant);
        if (error !== null && !(error instanceof CaptureFormatError)) throw new Error(`${variant.what}: ${(error as Error).stack ?? String(error)}`);
        // A record needs at least 12 bytes of framing: more frames than that would mean a loop.
        expect(frames, variant.what).toBeLessThanOrEqual(variant.bytes.length / 12 + 1);
      }
    });
  }
});

// tshark as the judge of which truncated frames are broken: every frame tshark gives an error-severity expert
// item (malformed, bad header length, …) must be flagged malformed with an error item by us too.
const PI_ERROR = '8388608';
describe.skipIf(!hasTshark())('truncated frames tshark calls errors are flagged malformed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-fuzz-'));
  const picks = ['lab/ipv4-3seg.pcap', 'lab/ipv6-3seg.pcap', 'lab/ipv4-3seg-sll2.pcap', 'link/vlan.pcap', 'link/null-ipv4.pcap',
    'noise/ping4-rr.pcap', 'noise/udp-unreach.pcap', 'tcp/syn-data-options.pcap', 'tcp/icmp-errors.pcap', 'tcp/ipv6-ext.pcap',
    'tcp/ipv4-options-frag.pcap', 'tcp/arp.pcap'];
  for (const pick of picks) {
    const file = files.find((f) => f.name === pick);
    it.skipIf(!file)(pick, () => {
      const frames = rawFramesLenient(file!.path);
      const lt = frames[0].linktype;
      // Every frame cut at every length, each claiming to be that long on the wire.
      const cuts: RawFrame[] = [];
      for (const raw of frames) for (let c = 0; c < raw.data.length; c++) cuts.push({ ...raw, data: raw.data.slice(0, c), len: c });
      const recs: Uint8Array[] = [];
      const hdr = new DataView(new ArrayBuffer(24));
      hdr.setUint32(0, 0xa1b2c3d4, true); hdr.setUint16(4, 2, true); hdr.setUint16(6, 4, true); hdr.setUint32(16, 262144, true); hdr.setUint32(20, lt, true);
      recs.push(new Uint8Array(hdr.buffer));
      cuts.forEach((c, i) => {
        const h = new DataView(new ArrayBuffer(16));
        h.setUint32(0, 1_700_000_000 + i, true); h.setUint32(8, c.data.length, true); h.setUint32(12, c.len, true);
        recs.push(new Uint8Array(h.buffer), c.data);
      });
      const out = join(dir, pick.replace('/', '-'));
      writeFileSync(out, Buffer.concat(recs));
      const severities = tsharkFields(out, ['_ws.expert.severity']);
      expect(severities.length).toBe(cuts.length);
      const dec = new Decoder();
      const missed: string[] = [];
      let extra = 0;
      cuts.forEach((c, i) => {
        const ours = decodeChecked(dec, c, `${pick} cut #${i}`);
        const tsharkError = severities[i][0]?.includes(PI_ERROR) ?? false;
        if (tsharkError && !(ours.malformed && ours.expert.some((e) => e.severity === 'error'))) {
          missed.push(`cut #${i + 1} (${c.data.length} bytes): tshark has an error item, ours malformed=${ours.malformed} expert=${JSON.stringify(ours.expert.map((e) => e.message))}`.slice(0, 300));
        }
        if (!tsharkError && ours.malformed) extra++;
      });
      if (extra) console.log(`${pick}: ${extra} truncated frames we flag malformed that tshark does not`);
      expect(missed.length, missed.slice(0, 15).join('\n')).toBe(0);
    });
  }
});
