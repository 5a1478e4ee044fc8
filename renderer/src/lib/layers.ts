// Placing a frame's decoded layers on the OSI 7-layer and TCP/IP 5-layer models, and cutting its bytes into
// the pieces each layer added (for the encapsulation animation and the hex colouring).
import type { DecodedFrame, Layer } from '../api';

export const OSI = [7, 6, 5, 4, 3, 2, 1] as const;
export const TCPIP = [5, 4, 3, 2, 1] as const;
/** TCP/IP layer → the OSI layers it covers (application = OSI 5–7). */
export const TCPIP_SPAN: Record<number, number[]> = { 5: [7, 6, 5], 4: [4], 3: [3], 2: [2], 1: [1] };

export interface Piece {
  /** Index into frame.layers, or -1 for payload no layer claims. */
  layer: number;
  protocol: string;
  osi: number;
  tcpip: number;
  offset: number;
  length: number;
}

/**
 * The frame's bytes as the layers that added them, outermost first. The `frame` pseudo-layer (capture
 * metadata, OSI 1) owns no bytes of its own, so it is left out; bytes after the innermost header that no
 * layer claims are the payload (application data).
 */
export function pieces(frame: DecodedFrame): Piece[] {
  const out: Piece[] = [];
  let end = 0;
  frame.layers.forEach((l, i) => {
    if (l.protocol === 'frame' || l.length <= 0) return;
    // A layer's item may span its payload (e.g. an IP datagram); its own part ends where the next layer starts.
    const next = frame.layers.slice(i + 1).find((n) => n.protocol !== 'frame' && n.length > 0 && n.offset >= l.offset);
    const own = next && next.offset > l.offset ? Math.min(l.length, next.offset - l.offset) : l.length;
    out.push({ layer: i, protocol: l.protocol, osi: l.osi, tcpip: l.tcpip, offset: l.offset, length: own });
    end = Math.max(end, l.offset + own);
  });
  if (end < frame.caplen) out.push({ layer: -1, protocol: 'payload', osi: 7, tcpip: 5, offset: end, length: frame.caplen - end });
  return out;
}

/** Layers placed on one OSI level. */
export function layersAtOsi(frame: DecodedFrame, osi: number): { layer: Layer; index: number }[] {
  return frame.layers.map((layer, index) => ({ layer, index })).filter((x) => x.layer.osi === osi);
}

/** CSS colour variable of an OSI level (shared by the layer cards, the wrapping strip and the hex view). */
export function osiColor(osi: number): string {
  return `var(--osi-${osi})`;
}

/**
 * Application bytes as a student reads them: UTF-8 text, with control characters (and bytes that are not
 * UTF-8) shown as "·", as Wireshark's bytes pane does for non-printables.
 */
export function payloadAsText(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g, '·');
}
