// Wireshark's "data" protocol: bytes no dissector claims (the hex view shows them as text too).
// Layer numbers: data above a transport is the application's payload (OSI 7, TCP/IP 5); data that
// a lower layer carries but we can't name sits one layer above its carrier.
import type { Field, OsiLayer, TcpIpLayer } from '../types';
import { defineField } from '../fields/registry';
import { bytesHex } from '../fields/format';
import { generated, leaf, unwanted } from '../fields/tree';
import type { Ctx } from './context';

const F = {
  data: defineField('data.data', 'Data', 'bytes'),
  len: defineField('data.len', 'Length', 'uint'),
};
defineField('data', 'Data', 'protocol');

/** "Data: 4927…" as Wireshark shows a byte string: at most 36 bytes, then an ellipsis. */
export function bytesShown(d: Uint8Array, off: number, n: number): string {
  return n > 36 ? bytesHex(d, off, 36) + '\u2026' : bytesHex(d, off, n);
}

/**
 * Shows [off, end) as data (nothing when empty): a layer of its own, or, where Wireshark nests it in
 * its carrier's subtree (an ICMP echo's payload), an item among `under`. Data after a header quoted in
 * an ICMP error is a layer of its own too, as tshark shows it.
 */
export function dissectData(c: Ctx, off: number, end: number, under: Field[] | null = null): void {
  const n = c.avail(off, end);
  if (n === 0 && end <= off) return;
  const carrier = c.curOsi;
  const osi: OsiLayer = carrier >= 4 ? 7 : ((carrier + 1) as OsiLayer);
  const tcpip: TcpIpLayer = carrier >= 4 ? 5 : ((c.curTcpip + 1) as TcpIpLayer);
  const quoteInto = c.quoteInto;
  c.quoteInto = under;
  try {
    const h = c.open('data', 'Data', `Data (${n} byte${n === 1 ? '' : 's'})`, osi, tcpip, off, n);
    const hexs = unwanted(F.data.name) ? '' : c.hex(off, n);
    leaf(h.fields, F.data.name, hexs, `Data: ${n > 36 ? hexs.slice(0, 72) + '\u2026' : hexs}`, off, n);
    generated(h.fields, F.len.name, n, `Length: ${n}`, off, 0);
  } finally {
    c.quoteInto = quoteInto;
  }
}
