// A frame that owns its bytes and fields. A reader may hand out one frame object refilled for every record,
// its bytes a window on a buffer the next read overwrites (CaptureReader.reuseFrames); the fast path reads
// it in place and keeps nothing of it, but the full dissector may keep its bytes (a PDU being reassembled),
// so a frame going there is copied first: the same fields a frame read back from a batch has
// (load-batch.ts), each present only when set.
import type { RawFrame } from '../types';

export function ownFrame(raw: RawFrame): RawFrame {
  const own: RawFrame = { data: raw.data.slice(), len: raw.len, linktype: raw.linktype, interface: raw.interface, tsSec: raw.tsSec, tsNsec: raw.tsNsec };
  if (raw.section !== undefined) own.section = raw.section;
  if (raw.noTimestamp !== undefined) own.noTimestamp = raw.noTimestamp;
  if (raw.noInterfaceId !== undefined) own.noInterfaceId = raw.noInterfaceId;
  if (raw.hasTimestamp !== undefined) own.hasTimestamp = raw.hasTimestamp;
  if (raw.pcapng !== undefined) own.pcapng = { ...raw.pcapng };
  if (raw.tsPrecision !== undefined) own.tsPrecision = raw.tsPrecision;
  // Block facts as BatchWriter.add keeps them (an empty comment list alone is none).
  if ((raw.comments && raw.comments.length) || raw.packetFlags !== undefined || raw.dropCount !== undefined || raw.custom) {
    if (raw.comments) own.comments = raw.comments.slice();
    if (raw.packetFlags !== undefined) own.packetFlags = raw.packetFlags;
    if (raw.dropCount !== undefined) own.dropCount = raw.dropCount;
    if (raw.custom) own.custom = { ...raw.custom };
  }
  return own;
}
