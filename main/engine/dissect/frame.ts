// The "frame" pseudo-protocol (OSI 1): what the capture file says about the frame, as tshark's frame.*.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { collectLate, leaf, treeless, unwanted } from '../fields/tree';
import { epochString } from '../fields/format';
import type { Ctx } from './context';
import { dissectState } from './state';
import { expert, defineExpert } from './expert';

const LEN_LT_CAPLEN = defineExpert('frame.len_lt_caplen', 'Frame length is less than captured length');

const F = {
  comment: defineField('frame.comment', 'Comment', 'string'),
  commentExpert: defineField('frame.comment.expert', 'Formatted comment', 'none'),
  section: defineField('frame.section_number', 'Section number', 'uint'),
  ifaceId: defineField('frame.interface_id', 'Interface id', 'uint'),
  ifaceName: defineField('frame.interface_name', 'Interface name', 'string'),
  ifaceDesc: defineField('frame.interface_description', 'Interface description', 'string'),
  encap: defineField('frame.encap_type', 'Encapsulation type', 'int'),
  time: defineField('frame.time', 'Arrival Time', 'string'),
  offsetShift: defineField('frame.offset_shift', 'Time shift for this packet', 'time'),
  epoch: defineField('frame.time_epoch', 'Epoch Time', 'time'),
  delta: defineField('frame.time_delta', 'Time delta from previous captured frame', 'time'),
  deltaDisplayed: defineField('frame.time_delta_displayed', 'Time delta from previous displayed frame', 'time'),
  relative: defineField('frame.time_relative', 'Time since reference or first frame', 'time'),
  number: defineField('frame.number', 'Frame Number', 'uint'),
  len: defineField('frame.len', 'Frame Length', 'uint'),
  capLen: defineField('frame.cap_len', 'Capture Length', 'uint'),
  marked: defineField('frame.marked', 'Frame is marked', 'bool'),
  ignored: defineField('frame.ignored', 'Frame is ignored', 'bool'),
  protocols: defineField('frame.protocols', 'Protocols in frame', 'string'),
};

/** Wiretap encapsulation (frame.encap_type) for the pcap link types we dissect, and its name. */
const ENCAP: Record<number, [number, string]> = {
  0: [15, 'NULL/Loopback'],
  1: [1, 'Ethernet'],
  12: [7, 'Raw IP'],
  14: [7, 'Raw IP'],
  101: [7, 'Raw IP'],
  108: [174, 'OpenBSD loopback'],
  113: [25, 'Linux cooked-mode capture v1'],
  228: [129, 'Raw IPv4'],
  229: [130, 'Raw IPv6'],
  276: [210, 'Linux cooked-mode capture v2'],
};

/** (wiretap encapsulation, name) of a pcap link type; unknown ones as tshark shows an unknown encapsulation. */
export function encapOf(linktype: number): [number, string] {
  return ENCAP[linktype] ?? [-1, 'Unknown'];
}

// Wireshark's nstime arithmetic and signed relative-time display (nstime_delta, display_signed_time):
// a difference keeps the sign on both parts, and prints as "-0.000001000".
let dSec = 0, dNsec = 0;
function nsDelta(bs: number, bn: number, as: number, an: number): void {
  dSec = bs - as;
  dNsec = bn - an;
  if (bs === as) { dSec = 0; return; }
  if (bs < as) {
    if (dNsec > 0) { dNsec -= 1e9; dSec++; }
  } else if (dNsec < 0) {
    dNsec += 1e9;
    dSec--;
  }
}

function pad9(n: number): string {
  const s = String(n);
  return s.length >= 9 ? s : '000000000'.slice(s.length) + s;
}

/** A relative time of (sec, nsec) as tshark prints it ("0.000016000", "-999.999984000"). */
export function relTimeString(sec: number, nsec: number): string {
  if (nsec < 0) return (sec >= 0 ? '-' : '') + sec + '.' + pad9(-nsec);
  return sec + '.' + pad9(nsec);
}

/** The time from (sec0, nsec0) to (sec, nsec) as tshark prints a relative time ("0.000614000"). */
export function timeBetween(sec: number, nsec: number, sec0: number, nsec0: number): string {
  nsDelta(sec, nsec, sec0, nsec0);
  return relTimeString(dSec, dNsec);
}

/** Seconds (a double) as a relative time string with 9 decimals, e.g. for tcp.time_delta. */
export function secondsString(t: number): string {
  const neg = t < 0;
  const a = neg ? -t : t;
  let sec = Math.floor(a);
  let ns = Math.round((a - sec) * 1e9);
  if (ns >= 1e9) { sec++; ns -= 1e9; }
  return (neg && (sec || ns) ? '-' : '') + sec + '.' + pad9(ns);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
let lastSec = NaN, lastPrefix = '';
/** frame.time as tshark prints it in UTC: "Nov 25, 2026 07:47:46.547590000 UTC". */
export function arrivalString(sec: number, nsec: number): string {
  if (sec !== lastSec) {
    const t = new Date(sec * 1000);
    if (Number.isNaN(t.getTime())) return 'Not representable';
    const day = t.getUTCDate();
    const two = (n: number) => (n < 10 ? '0' + n : String(n));
    lastPrefix = `${MONTHS[t.getUTCMonth()]} ${day < 10 ? ' ' + day : day}, ${t.getUTCFullYear()} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}.`;
    lastSec = sec;
  }
  return lastPrefix + pad9(nsec) + ' UTC';
}

function field(tree: Field[], name: string, value: Field['value'], display: string): Field {
  return leaf(tree, name, value, display, 0, 0);
}

/**
 * Adds the frame layer (and the packet comments before it, as Wireshark shows them). Returns the
 * frame.protocols item, filled in when dissection ends.
 */
export function dissectFrameLayer(c: Ctx): Field {
  const raw = c.raw;
  if (raw.comments && raw.comments.length) {
    const h = c.open('pkt_comment', 'Frame', 'Packet comments', 1, 1, 0, 0);
    c.protos.pop(); // not part of frame.protocols
    for (const text of raw.comments) {
      const item = field(h.fields, F.comment.name, text, text);
      const ex = field(item.children, '_ws.expert', null, `Expert Info (Comment/Comment): ${text}`);
      field(ex.children, F.commentExpert.name, 1, text);
      field(ex.children, '_ws.expert.message', text, `Message: ${text}`);
      field(ex.children, '_ws.expert.severity', 0x00100000, 'Severity level: Comment');
      field(ex.children, '_ws.expert.group', 0x0b000000, 'Group: Comment');
      // Wireshark's "Comment" severity sits below chat; our scale ends at chat.
      c.addExpert('chat', 'comment', text, F.commentExpert.name);
    }
  }
  const bits = (n: number) => `${n} bytes (${n * 8} bits)`;
  const ng = raw.pcapng;
  const ifName = ng ? ng.ifName ?? 'unknown' : '';
  // Collecting values only (decode --fields): texts nobody reads are not made.
  const lean = c.lean;
  let title = lean ? '' : `Frame ${c.number}: ${raw.len} bytes on wire (${raw.len * 8} bits), ${c.cap} bytes captured (${c.cap * 8} bits)`;
  const onInterface = ng !== undefined && !raw.noInterfaceId;
  if (onInterface && !lean) title += ` on interface ${ifName}, id ${raw.interface}`;
  const h = c.open('frame', 'Frame', title, 1, 1, 0, c.cap);
  c.protos.pop(); // frame.protocols starts below the frame
  const t = h.fields;
  if (ng) field(t, F.section.name, ng.section, `Section number: ${ng.section}`);
  if (onInterface) {
    const id = field(t, F.ifaceId.name, raw.interface, `Interface id: ${raw.interface} (${ifName})`);
    field(id.children, F.ifaceName.name, ifName, `Interface name: ${ifName}`);
    if (ng.ifDescription !== undefined) field(id.children, F.ifaceDesc.name, ng.ifDescription, `Interface description: ${ng.ifDescription}`);
  }
  const [encap, encapName] = encapOf(raw.linktype);
  field(t, F.encap.name, encap, `Encapsulation type: ${encapName} (${encap})`);
  const st = dissectState(c.session);
  if (raw.hasTimestamp !== false && !raw.noTimestamp) {
    const sec = raw.tsSec, nsec = raw.tsNsec;
    const arrival = unwanted(F.time.name) ? '' : arrivalString(sec, nsec);
    field(t, F.time.name, arrival, `Arrival Time: ${arrival}`);
    field(t, F.offsetShift.name, '0.000000000', 'Time shift for this packet: 0.000000000 seconds');
    const epoch = epochString(sec, nsec);
    field(t, F.epoch.name, epoch, `Epoch Time: ${epoch} seconds`);
    // A stored frame re-dissected alone learns its predecessor's time from the store.
    const replay = c.session.replay;
    const prev = replay ? replay.prevTime : st.hasPrev ? { sec: st.prevSec, nsec: st.prevNsec } : null;
    if (prev) nsDelta(sec, nsec, prev.sec, prev.nsec);
    else { dSec = 0; dNsec = 0; }
    const delta = unwanted(F.delta.name) && unwanted(F.deltaDisplayed.name) ? '' : relTimeString(dSec, dNsec);
    field(t, F.delta.name, delta, `Time delta from previous captured frame: ${delta} seconds`);
    field(t, F.deltaDisplayed.name, delta, `Time delta from previous displayed frame: ${delta} seconds`);
    const t0 = c.session.t0;
    if (t0) nsDelta(sec, nsec, t0.sec, t0.nsec);
    else { dSec = 0; dNsec = 0; }
    const rel = unwanted(F.relative.name) ? '' : relTimeString(dSec, dNsec);
    field(t, F.relative.name, rel, `Time since reference or first frame: ${rel} seconds`);
    st.prevSec = sec;
    st.prevNsec = nsec;
    st.hasPrev = true;
  }
  field(t, F.number.name, c.number, `Frame Number: ${c.number}`);
  const lenItem = field(t, F.len.name, raw.len, `Frame Length: ${bits(raw.len)}`);
  if (raw.len < c.cap) expert(c, lenItem.children, 0, 'error', 'malformed', 'Frame length is less than captured length', LEN_LT_CAPLEN);
  field(t, F.capLen.name, c.cap, `Capture Length: ${bits(c.cap)}`);
  field(t, F.marked.name, 0, 'Frame is marked: False');
  field(t, F.ignored.name, 0, 'Frame is ignored: False');
  // Its value is known when the frame ends (finishProtocols, which also collects it when no tree is built).
  return lean ? leaf(t, '', null, '', 0, 0) : field(t, F.protocols.name, '', '');
}

/** Fills in frame.protocols once every protocol of the frame is known. */
export function finishProtocols(item: Field, protos: string[]): void {
  if (treeless()) {
    // Known only at the end of the frame; the item was added first, as Wireshark adds it.
    if (!unwanted('frame.protocols')) collectLate('frame.protocols', protos.join(':'));
    return;
  }
  const s = protos.join(':');
  item.value = s;
  item.display = `[Protocols in frame: ${s}]`;
}
