// Test helpers: decode a capture in-process with the engine (no build needed).
import { Decoder } from '../../main/engine/decoder';
import type { DecodedFrame, Field, FieldValue, RawFrame } from '../../main/engine/types';
import { readCaptureFile } from '../../main/capture/file-source';

/** Every frame of `file`, decoded. */
export function decodeFile(file: string): DecodedFrame[] {
  const dec = new Decoder();
  const out: DecodedFrame[] = [];
  readCaptureFile(file, (raw) => out.push(dec.decode(raw)));
  return out;
}

/** Every raw frame of `file` (bytes copied, so they outlive the reader's buffer). */
export function rawFrames(file: string): RawFrame[] {
  const out: RawFrame[] = [];
  readCaptureFile(file, (raw) => out.push({ ...raw, data: raw.data.slice() }));
  return out;
}

function collect(tree: readonly Field[], name: string, out: FieldValue[]): void {
  for (const f of tree) {
    if (f.name === name) out.push(f.value);
    if (f.children.length) collect(f.children, name, out);
  }
}

/** All occurrences of field `name` in a decoded frame, depth-first in tree (wire) order. */
export function occurrences(frame: DecodedFrame, name: string): FieldValue[] {
  const out: FieldValue[] = [];
  for (const layer of frame.layers) {
    // A top-level item that is a field (tcp.segments) is an occurrence of its own.
    if (layer.protocol === name && layer.value !== undefined) out.push(layer.value);
    collect(layer.fields, name, out);
  }
  return out;
}
