// UDP (RFC 768) as Wireshark shows it: ports, length (checked against the IP payload), checksum,
// udp.stream (one per address/port pair, both directions, headers quoted in ICMP errors included),
// the conversation's timestamps, the payload to DNS (by port or heuristic) or as data.
import type { Field } from '../types';
import { generated, hidden, leaf, unwanted, unwantedUnder } from '../fields/tree';
import { defineField } from '../fields/registry';
import { bytesHex, hex } from '../fields/format';
import type { Ctx } from './context';
import { expert, defineExpert } from './expert';
import { dissectState, type UdpConversation } from './state';
import { timeBetween } from './frame';
import { dissectData } from './payload';
import { dissectDns, type DnsKind } from './dns';

const F = {
  srcport: defineField('udp.srcport', 'Source Port', 'uint'),
  dstport: defineField('udp.dstport', 'Destination Port', 'uint'),
  length: defineField('udp.length', 'Length', 'uint'),
  checksum: defineField('udp.checksum', 'Checksum', 'hex', { digits: 4 }),
  checksumStatus: defineField('udp.checksum.status', 'Checksum Status', 'uint'),
  stream: defineField('udp.stream', 'Stream index', 'uint'),
  payload: defineField('udp.payload', 'Payload', 'bytes'),
  timeRel: defineField('udp.time_relative', 'Time since first frame', 'time'),
  timeDelta: defineField('udp.time_delta', 'Time since previous frame', 'time'),
};
defineField('udp', 'User Datagram Protocol', 'protocol');
defineField('udp.port', 'Source or Destination Port', 'uint');
const BAD_LEN = defineExpert('udp.length.bad', 'Bad length value');


export function dissectUdp(c: Ctx, off: number, end: number): void {
  const quoted = !c.colWritable;
  // A quote that ends before the ports shows no UDP at all (as TCP, see there).
  if (quoted && end - off < 4) return;
  // Wireshark reads both ports before it adds the UDP item and names the Protocol column (as TCP does): a
  // datagram cut before them (an IPv6 payload length of 0, a snap length) shows only the exception.
  const h = c.openAfter(4, end, 'udp', 'UDP', 'User Datagram Protocol', 4, 4, off, 8);
  c.setProtocol('UDP');
  const v = c.v, t = h.fields;
  c.need(off, 4, end);
  const sport = v.getUint16(off), dport = v.getUint16(off + 2);
  c.srcPort = sport;
  c.dstPort = dport;
  leaf(t, F.srcport.name, sport, `Source Port: ${sport}`, off, 2);
  leaf(t, F.dstport.name, dport, `Destination Port: ${dport}`, off + 2, 2);
  // Wireshark's hidden udp.port items (both ports): tshark -e udp.port prints them.
  if (!unwanted('udp.port')) {
    hidden(t, 'udp.port', sport, `Source or Destination Port: ${sport}`, off, 2);
    hidden(t, 'udp.port', dport, `Source or Destination Port: ${dport}`, off + 2, 2);
  }
  h.title = `User Datagram Protocol, Src Port: ${sport}, Dst Port: ${dport}`;
  c.setInfo(`${sport} \u2192 ${dport}`);
  // Length and checksum read one by one, as Wireshark does: a header cut after the length shows it.
  c.need(off + 4, 2, end);
  const len = v.getUint16(off + 4);
  const reported = end - off;
  const li = leaf(t, F.length.name, len, `Length: ${len}`, off + 4, 2);
  if (len < 8) {
    li.display = `Length: ${len} (bogus, must be >= 8)`;
    expert(c, li.children, off + 4, 'error', 'malformed', `Bad length value ${len} < 8`, BAD_LEN);
    c.appendInfo(` [BAD UDP LENGTH ${len} < 8]`);
    return;
  }
  if (len > reported && !quoted) {
    li.display = `Length: ${len} (bogus, payload length ${reported})`;
    expert(c, li.children, off + 4, 'error', 'malformed', `Bad length value ${len} > IP payload length`, BAD_LEN);
    c.appendInfo(` [BAD UDP LENGTH ${len} > IP PAYLOAD LENGTH]`);
  }
  c.appendInfo(` Len=${len - 8}`);
  c.need(off + 6, 2, end);
  const sum = v.getUint16(off + 6);
  if (sum === 0) {
    const ci = leaf(t, F.checksum.name, hex(0, 4), 'Checksum: 0x0000 [zero-value ignored]', off + 6, 2);
    generated(ci.children, F.checksumStatus.name, 3, 'Checksum Status: Not present', off + 6, 0);
  } else {
    leaf(t, F.checksum.name, hex(sum, 4), `Checksum: ${hex(sum, 4)} [unverified]`, off + 6, 2);
    generated(t, F.checksumStatus.name, 2, 'Checksum Status: Unverified', off + 6, 0);
  }
  // The conversation lives in the session's state on the first pass; a stored frame re-dissected
  // alone reads its stream and times back off the tape (and leaves the state alone).
  const conv = c.replay ? null : udpConversation(c, sport, dport);
  const stream = c.recall(() => conv!.stream);
  generated(t, F.stream.name, stream, `Stream index: ${stream}`, off + 8, 0);
  if (len === 8) return;
  if (!quoted) timestamps(c, t, conv);
  const pend = quoted || len > reported ? end : off + len;
  const n = c.avail(off + 8, pend);
  if (n > 0) {
    leaf(t, F.payload.name, bytesHex(c.d, off + 8, n), `UDP payload (${n} byte${n === 1 ? '' : 's'})`, off + 8, n);
    dissectUdpPayload(c, sport, dport, off + 8, pend);
  }
}

/** UDP ports tshark hands to DNS and its multicast kin. */
const DNS_PORTS: Record<number, DnsKind> = { 53: 'dns', 5353: 'mdns', 5355: 'llmnr' };

/**
 * The payload goes where tshark's UDP sends it: a dissector registered for the lower port, then the
 * higher one (DNS on 53, mDNS on 5353, LLMNR on 5355), then the heuristics (DNS's), else data.
 */
function dissectUdpPayload(c: Ctx, sport: number, dport: number, off: number, end: number): void {
  const kind = DNS_PORTS[Math.min(sport, dport)] ?? DNS_PORTS[Math.max(sport, dport)];
  if (kind) dissectDns(c, off, end, { kind, tcp: false });
  else if (looksLikeDns(c, off, end)) dissectDns(c, off, end, { kind: 'dns', tcp: false });
  else dissectData(c, off, end);
}

/** packet-dns.c's UDP heuristic: a standard query with one question and no records, or a plausible standard response. */
function looksLikeDns(c: Ctx, off: number, end: number): boolean {
  if (end - off <= 12 || c.avail(off, end) < 12) return false;
  const v = c.v;
  const flags = v.getUint16(off + 2);
  if (flags & 0x7800) return false;
  const qd = v.getUint16(off + 4), an = v.getUint16(off + 6), ns = v.getUint16(off + 8), ar = v.getUint16(off + 10);
  if (!(flags & 0x8000)) {
    if (qd !== 1 || an !== 0 || ns !== 0) return false;
  } else if (qd > 1 || an > 100 || ns > 10) {
    return false;
  }
  return ar <= 10;
}

function udpConversation(c: Ctx, sport: number, dport: number): UdpConversation {
  const st = dissectState(c.session);
  const a = `${c.netSrc}|${sport}`, b = `${c.netDst}|${dport}`;
  const key = a < b ? `${a}|${b}` : `${b}|${a}`;
  let s = st.udpStreams.get(key);
  if (s === undefined) {
    const { tsSec, tsNsec } = c.raw;
    s = { stream: st.udpStreams.size, firstSec: tsSec, firstNsec: tsNsec, prevSec: tsSec, prevNsec: tsNsec };
    st.udpStreams.set(key, s);
  }
  return s;
}

/** The conversation's times, as Wireshark's udp.calculate_timestamps (on by default) shows them for a datagram with a payload. */
function timestamps(c: Ctx, t: Field[], conv: UdpConversation | null): void {
  const { tsSec, tsNsec } = c.raw;
  // Both times come off the tape on a replay (conv is null then); recalled whether shown or not, so
  // the tape reads the same in any mode.
  const delta = c.recall(() => {
    const d = timeBetween(tsSec, tsNsec, conv!.prevSec, conv!.prevNsec);
    conv!.prevSec = tsSec;
    conv!.prevNsec = tsNsec;
    return d;
  });
  const rel = c.recall(() => timeBetween(tsSec, tsNsec, conv!.firstSec, conv!.firstNsec));
  if (unwantedUnder('udp.time_')) return;
  const ts = generated(t, '', null, 'Timestamps', 0, 0);
  generated(ts.children, F.timeRel.name, rel, `Time since first frame: ${rel} seconds`, 0, 0);
  generated(ts.children, F.timeDelta.name, delta, `Time since previous frame: ${delta} seconds`, 0, 0);
}
