// The corpus under test/corpus, and decoding that keeps the good frames of a damaged file (as tshark does).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Decoder } from '../../main/engine/decoder';
import type { DecodedFrame, RawFrame } from '../../main/engine/types';
import { readCaptureFile } from '../../main/capture/file-source';

export const CORPUS = join(import.meta.dirname, '..', 'corpus');

/** Files that hold no frames at all (the reader refuses them at once): for the error-path tests only. */
export const NOT_CAPTURES = /(^|\/)(empty|bad-magic)\.pcap$/;

/** Every capture file under the corpus (recursively, sorted), with its path relative to the corpus. */
export function corpusFiles(dir = CORPUS): { path: string; name: string }[] {
  const out: { path: string; name: string }[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(pcap|pcapng)$/.test(e)) out.push({ path: p, name: relative(CORPUS, p) });
    }
  };
  walk(dir);
  return out;
}

/** Every frame of `file` the reader can deliver, decoded, and the reader's error (if the file is damaged). */
export function decodeLenient(file: string): { frames: DecodedFrame[]; error: Error | null } {
  const dec = new Decoder();
  const frames: DecodedFrame[] = [];
  try {
    readCaptureFile(file, (raw) => frames.push(dec.decode(raw)));
    return { frames, error: null };
  } catch (e) {
    return { frames, error: e as Error };
  }
}

/** Every raw frame the reader can deliver (bytes copied), ignoring damage after them. */
export function rawFramesLenient(file: string): RawFrame[] {
  const out: RawFrame[] = [];
  try {
    readCaptureFile(file, (raw) => out.push({ ...raw, data: raw.data.slice() }));
  } catch {
    /* damaged: the good frames before it are what we have */
  }
  return out;
}
