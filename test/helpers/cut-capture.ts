// A capture file cut after its first `frames` packets, as if the capture had stopped there: a pcap file
// keeps its header and the first records; a pcapng file keeps every block before the next packet block
// (section header, interfaces, comments), so the cut file reads as the same capture, only shorter.
// Used as the reference a lesson's gate is compared with: what a student held at frame N may learn is
// what the capture cut after frame N says.

const PCAP_MAGICS = new Set([0xa1b2c3d4, 0xa1b23c4d]);
const PCAPNG_SHB = 0x0a0d0d0a;
/** Enhanced, simple and the obsolete packet block: each is one frame. */
const PACKET_BLOCKS = new Set([6, 3, 2]);

export function cutCapture(bytes: Uint8Array, frames: number): Uint8Array {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const be = v.getUint32(0, false);
  const le = v.getUint32(0, true);
  if (PCAP_MAGICS.has(be) || PCAP_MAGICS.has(le)) {
    const little = PCAP_MAGICS.has(le);
    let at = 24;
    for (let n = 0; n < frames && at + 16 <= bytes.length; n++) at += 16 + v.getUint32(at + 8, little);
    return bytes.slice(0, Math.min(at, bytes.length));
  }
  if (be !== PCAPNG_SHB) throw new Error('not a pcap or pcapng file');
  let little = true;
  let at = 0;
  let n = 0;
  while (at + 12 <= bytes.length) {
    const type = v.getUint32(at, little);
    if (type === PCAPNG_SHB) little = v.getUint32(at + 8, true) === 0x1a2b3c4d;
    const length = v.getUint32(at + 4, little);
    if (PACKET_BLOCKS.has(type)) {
      if (n === frames) break;
      n++;
    }
    at += length;
  }
  return bytes.slice(0, Math.min(at, bytes.length));
}
