// Test helpers: decode a capture in-process with the engine (no build needed).
import { Decoder } from '../../main/engine/decoder';
import type { DecodedFrame, FieldValue, RawFrame } from '../../main/engine/types';
import { occurrencesOf } from '../../main/engine/fields/occurrences';
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

/**
 * All occurrences of field `name` in a decoded frame, depth-first in tree (wire) order, as tshark -T fields
 * prints them (a protocol item's label, a top-level item that is a field its value: tcp.segments).
 */
export function occurrences(frame: DecodedFrame, name: string): FieldValue[] {
  return occurrencesOf(frame, name);
}
