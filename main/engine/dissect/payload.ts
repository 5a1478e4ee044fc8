// Wireshark's "data" protocol: bytes no dissector claims, plus a text preview for students.
// Layer numbers: data above a transport is the application's payload (OSI 7, TCP/IP 5); data that
// a lower layer carries but we can't name sits one layer above its carrier.
import type { OsiLayer, TcpIpLayer } from '../types';
import { defineField } from '../fields/registry';
import { bytesHex, asciiPreview } from '../fields/format';
import { leaf, unwanted } from '../fields/tree';
import type { Ctx } from './context';

const F = {
  data: defineField('data.data', 'Data', 'bytes'),
  len: defineField('data.len', 'Length', 'uint'),
};
defineField('data', 'Data', 'protocol');

/** Longest text preview kept in the tree (the hex view shows everything). */
const PREVIEW = 64;

/** "Data: 4927…" as Wireshark shows a byte string: at most 36 bytes, then an ellipsis. */
export function bytesShown(d: Uint8Array, off: number, n: number): string {
  return n > 36 ? bytesHex(d, off, 36) + '\u2026' : bytesHex(d, off, n);
}

/** Shows [off, end) as data (nothing when empty). */
export function dissectData(c: Ctx, off: number, end: number): void {
  const n = c.avail(off, end);
  if (n === 0 && end <= off) return;
  const carrier = c.curOsi;
  const osi: OsiLayer = carrier >= 4 ? 7 : ((carrier + 1) as OsiLayer);
  const tcpip: TcpIpLayer = carrier >= 4 ? 5 : ((c.curTcpip + 1) as TcpIpLayer);
  const h = c.open('data', 'Data', `Data (${n} bytes)`, osi, tcpip, off, n);
  const hexs = unwanted(F.data.name) ? '' : c.hex(off, n);
  leaf(h.fields, F.data.name, hexs, `Data: ${n > 36 ? hexs.slice(0, 72) + '\u2026' : hexs}`, off, n);
  leaf(h.fields, F.len.name, n, `[Length: ${n}]`, off, 0);
  if (n > 0 && !c.lean) {
    const text = asciiPreview(c.d, off, n > PREVIEW ? PREVIEW : n);
    leaf(h.fields, '', null, `[Text: ${text}${n > PREVIEW ? '\u2026' : ''}]`, off, n);
  }
}
