// The fuzz corpus: random frames on every link type, truncations and bit flips of every corpus frame, and
// damaged copies of whole corpus files with the chunk sizes to push them through the reader in. Seeded, so
// every test that walks it (the fuzz test: nothing throws; the RFC-edges test: every transition an RFC
// 9293 arrow) sees exactly the same inputs, and a failure reproduces.
import type { RawFrame } from '../../main/engine/types';

/** mulberry32: small, fast, good enough to pick cut points and bits. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const int = (r: () => number, n: number) => Math.floor(r() * n);

export interface FuzzedFrame {
  raw: RawFrame;
  /** Where it came from, for failure messages. */
  what: string;
}

/** 3000 frames of random bytes, cycling through the link types, deeper layers made likely. */
export function* randomFrames(): Generator<FuzzedFrame> {
  const r = prng(1);
  for (let i = 0; i < 3000; i++) {
    const len = int(r, 160);
    const data = new Uint8Array(len);
    for (let j = 0; j < len; j++) data[j] = int(r, 256);
    // Make deeper layers likely: plausible Ethernet types and IP versions.
    if (len > 14 && r() < 0.6) { data[12] = [0x08, 0x86, 0x81, 0x08][i % 4]; data[13] = [0x00, 0xdd, 0x00, 0x06][i % 4]; }
    if (len > 15 && r() < 0.5) data[14] = r() < 0.5 ? 0x45 : 0x60;
    const linktype = [1, 0, 101, 113, 276, 228, 229, 12, 14, 108][i % 10];
    yield { raw: { data, len: r() < 0.8 ? len : len + int(r, 100), linktype, interface: 0, tsSec: i, tsNsec: 0 }, what: `random #${i} lt ${linktype}` };
  }
}

/** Each frame of the corpus file `name` in turn: 8 truncations (half also that short on the wire), then 8 bit-flipped copies. */
export function* fuzzedFrames(name: string, frames: readonly RawFrame[]): Generator<FuzzedFrame> {
  const r = prng(name.length * 7919 + name.charCodeAt(0));
  for (let k = 0; k < frames.length; k++) {
    const raw = frames[k];
    for (let v = 0; v < 8; v++) {
      const cut = int(r, raw.data.length + 1);
      const data = raw.data.slice(0, cut);
      // Half claim to be that short on the wire, half keep the original length (a snap-length cut).
      yield { raw: { ...raw, data, len: v % 2 ? cut : raw.len }, what: `${name} frame ${k + 1} cut at ${cut}` };
    }
    for (let v = 0; v < 8; v++) {
      const data = raw.data.slice();
      const flips = 1 + int(r, 8);
      for (let b = 0; b < flips && data.length; b++) data[int(r, data.length)] ^= 1 << int(r, 8);
      yield { raw: { ...raw, data }, what: `${name} frame ${k + 1} flip ${v}` };
    }
  }
}

export interface DamagedFile {
  bytes: Uint8Array;
  /** The sizes of the pieces to push to the reader, in order (they cover `bytes`). */
  chunks: number[];
  what: string;
}

/** 12 damaged copies of the whole file `name`: 6 cut short, 6 with a few bits flipped; each with its chunk sizes. */
export function damagedFiles(name: string, whole: Uint8Array): DamagedFile[] {
  const r = prng(name.length * 104729);
  const out: DamagedFile[] = [];
  for (let v = 0; v < 12; v++) {
    const bytes = v < 6 ? whole.slice(0, int(r, whole.length + 1)) : whole.slice();
    if (v >= 6) for (let b = 0, n = 1 + int(r, 4); b < n; b++) bytes[int(r, bytes.length)] ^= 1 << int(r, 8);
    const chunks: number[] = [];
    for (let pos = 0; pos < bytes.length;) {
      const n = 1 + int(r, r() < 0.3 ? 16 : 4096);
      chunks.push(n);
      pos += n;
    }
    out.push({ bytes, chunks, what: `${name} variant ${v}` });
  }
  return out;
}
