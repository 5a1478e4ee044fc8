// The "frame" pseudo-protocol (OSI 1): what the capture file says about the frame, as tshark's frame.*.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, collectLate, generated, leaf, treeless, unwanted } from '../fields/tree';
import { epochString, hex } from '../fields/format';
import type { Ctx } from './context';
import { dissectState } from './state';
import { expert, defineExpert, expertDetails } from './expert';

const LEN_LT_CAPLEN = defineExpert('frame.len_lt_caplen', 'Frame length is less than captured length');
const TIME_INVALID = defineExpert('frame.time_invalid', 'Arrival Time: Fractional second out of range (0-1000000000)');

// Protocol items: tshark -T fields prints their labels (fields/occurrences.ts).
defineField('frame', 'Frame', 'protocol');
defineField('pkt_comment', 'Packet comments', 'protocol');

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
  dropCount: defineField('frame.drop_count', 'Drop Count', 'uint'),
  p2pDir: defineField('frame.p2p_dir', 'Point-to-Point Direction', 'int'),
  cbPen: defineField('frame.cb_pen', 'Private Enterprise Number', 'uint'),
  cbCopy: defineField('frame.cb_copy', 'Copying', 'bool'),
  packetFlags: defineField('frame.packet_flags', 'Packet flags', 'hex', { digits: 8 }),
};

/** epb_flags as Wireshark shows them: (filter name, label, mask, how the masked value reads). */
const PACKET_FLAGS: ReadonlyArray<[string, string, number, (v: number) => string]> = [
  ['direction', 'Direction', 0x3, (v) => `${['Unknown', 'Inbound', 'Outbound'][v] ?? 'Unknown'} (0x${v.toString(16)})`],
  ['reception_type', 'Reception type', 0x1c, (v) => `${['Not specified', 'Unicast', 'Multicast', 'Broadcast', 'Promiscuous'][v] ?? 'Unknown'} (${v})`],
  ['fcs_length', 'FCS length', 0x1e0, String],
  ['reserved', 'Reserved', 0xfe00, String],
  ['crc_error', 'CRC error', 0x01000000, setOrNot],
  ['packet_too_error', 'Packet too long error', 0x02000000, setOrNot],
  ['packet_too_short_error', 'Packet too short error', 0x04000000, setOrNot],
  ['wrong_inter_frame_gap_error', 'Wrong interframe gap error', 0x08000000, setOrNot],
  ['unaligned_frame_error', 'Unaligned frame error', 0x10000000, setOrNot],
  ['start_frame_delimiter_error', 'Start frame delimiter error', 0x20000000, setOrNot],
  ['preamble_error', 'Preamble error', 0x40000000, setOrNot],
  ['symbol_error', 'Symbol error', 0x80000000, setOrNot],
];
// Direction is BASE_HEX in a 32-bit field: tshark -T fields prints it as 0x00000001.
for (const [name, label] of PACKET_FLAGS) defineField(`frame.packet_flags_${name}`, label, name === 'direction' ? 'hex' : 'uint', name === 'direction' ? { digits: 8 } : {});

function setOrNot(v: number): string {
  return v ? 'Set' : 'Not set';
}

/** The "Packet flags" item and one bit-field item per part, as Wireshark's frame dissector shows them. */
function packetFlags(t: Field[], flags: number): void {
  const item = leaf(t, F.packetFlags.name, hex(flags, 8), `Packet flags: ${hex(flags, 8)}`, 0, 0);
  for (const [name, label, mask, shown] of PACKET_FLAGS) {
    const shift = Math.log2((mask & -mask) >>> 0); // >>> 0: bit 31's mask is negative as an int32
    const v = ((flags & mask) >>> 0) / 2 ** shift;
    leaf(item.children, `frame.packet_flags_${name}`, name === 'direction' ? hex(v, 8) : v, bitsDisplay(flags, mask, 32, label, shown(v)), 0, 0);
  }
}

/**
 * Enterprise names of the PENs a custom block may carry. tshark looks every PEN up in IANA's registry;
 * we know only the one RFC 5612 sets aside for documentation (others show as "Unknown").
 */
function penName(pen: number): string {
  return pen === 32473 ? 'Example Enterprise Number for Documentation Use' : 'Unknown';
}

function customTitle(n: number, len: number, custom: { pen: number; copy: boolean }): string {
  return `PCAPNG Custom Block ${n}: ${len} byte${len === 1 ? '' : 's'} (${len * 8} bits) of custom data and options, `
    + `PEN ${penName(custom.pen)} (${custom.pen}), copying${custom.copy ? '' : ' not'} allowed`;
}

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

/** printf's %09ld: nine digits with zeros in front (a sign takes one of the nine places). */
function pad9(n: number): string {
  if (n < 0) return '-' + String(-n).padStart(8, '0');
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

/**
 * The Time column as tshark prints it by default: the time since the first frame, exact, cut (toward
 * zero, not rounded) to the capture's `digits` (RawFrame.tsPrecision). The fraction is cut before its
 * sign is looked at, so a tiny negative time reads "0.000000", as in Wireshark's display_signed_time.
 */
export function timeColumn(sec: number, nsec: number, t0sec: number, t0nsec: number, digits: number): string {
  nsDelta(sec, nsec, t0sec, t0nsec);
  const frac = Math.trunc(dNsec / 10 ** (9 - digits));
  const sign = frac < 0 && dSec >= 0 ? '-' : '';
  return digits > 0 ? `${sign}${dSec}.${String(Math.abs(frac)).padStart(digits, '0')}` : `${sign}${dSec}`;
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

function derived(tree: Field[], name: string, value: Field['value'], display: string): Field {
  return generated(tree, name, value, display, 0, 0);
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
      const label = `Expert Info (Comment/Comment): ${text}`;
      const ex = derived(item.children, '_ws.expert', label, label);
      expertDetails(ex.children, F.commentExpert.name, text, 0x00100000, 'Comment', 0x0b000000, 'Comment');
      // Wireshark's "Comment" severity sits below chat; our scale ends at chat.
      c.addExpert('chat', 'comment', text, F.commentExpert.name);
    }
  }
  const bits = (n: number) => `${n} bytes (${n * 8} bits)`;
  const ng = raw.pcapng;
  const ifName = ng ? ng.ifName ?? 'unknown' : '';
  // Collecting values only (decode --fields): texts nobody reads are not made.
  const lean = c.lean;
  const custom = raw.custom;
  let title = lean ? '' : custom ? customTitle(c.number, raw.len, custom)
    : `Frame ${c.number}: ${raw.len} bytes on wire (${raw.len * 8} bits), ${c.cap} bytes captured (${c.cap * 8} bits)`;
  const onInterface = ng !== undefined && !raw.noInterfaceId;
  if (onInterface && !lean) title += ` on interface ${ifName}, id ${raw.interface}`;
  const direction = (raw.packetFlags ?? 0) & 3;
  if (direction && direction < 3 && !lean) title += direction === 1 ? ' (inbound)' : ' (outbound)';
  const h = c.open('frame', 'Frame', title, 1, 1, 0, c.cap);
  c.protos.pop(); // frame.protocols starts below the frame
  const t = h.fields;
  if (ng) field(t, F.section.name, ng.section, `Section number: ${ng.section}`);
  if (onInterface) {
    const id = field(t, F.ifaceId.name, raw.interface, `Interface id: ${raw.interface} (${ifName})`);
    field(id.children, F.ifaceName.name, ifName, `Interface name: ${ifName}`);
    if (ng.ifDescription !== undefined) field(id.children, F.ifaceDesc.name, ng.ifDescription, `Interface description: ${ng.ifDescription}`);
  }
  if (raw.packetFlags !== undefined) packetFlags(t, raw.packetFlags);
  if (!custom) {
    const [encap, encapName] = encapOf(raw.linktype);
    field(t, F.encap.name, encap, `Encapsulation type: ${encapName} (${encap})`);
  }
  const st = dissectState(c.session);
  if (raw.hasTimestamp !== false && !raw.noTimestamp) {
    const sec = raw.tsSec, nsec = raw.tsNsec;
    const arrival = unwanted(F.time.name) ? '' : arrivalString(sec, nsec);
    field(t, F.time.name, arrival, `Arrival Time: ${arrival}`);
    if (nsec < 0 || nsec >= 1e9) {
      expert(c, t, 0, 'note', 'sequence', `Arrival Time: Fractional second ${pad9(nsec)} is invalid, the valid range is 0-1000000000`, TIME_INVALID);
    }
    derived(t, F.offsetShift.name, '0.000000000', 'Time shift for this packet: 0.000000000 seconds');
    const epoch = epochString(sec, nsec);
    field(t, F.epoch.name, epoch, `Epoch Time: ${epoch} seconds`);
    // A stored frame re-dissected alone learns its predecessor's time from the store.
    const replay = c.session.replay;
    const prev = replay ? replay.prevTime : st.hasPrev ? { sec: st.prevSec, nsec: st.prevNsec } : null;
    if (prev) nsDelta(sec, nsec, prev.sec, prev.nsec);
    else { dSec = 0; dNsec = 0; }
    const delta = unwanted(F.delta.name) && unwanted(F.deltaDisplayed.name) ? '' : relTimeString(dSec, dNsec);
    derived(t, F.delta.name, delta, `Time delta from previous captured frame: ${delta} seconds`);
    derived(t, F.deltaDisplayed.name, delta, `Time delta from previous displayed frame: ${delta} seconds`);
    const t0 = c.session.t0;
    if (t0) nsDelta(sec, nsec, t0.sec, t0.nsec);
    else { dSec = 0; dNsec = 0; }
    const rel = unwanted(F.relative.name) ? '' : relTimeString(dSec, dNsec);
    derived(t, F.relative.name, rel, `Time since reference or first frame: ${rel} seconds`);
  }
  // A packet without a timestamp (pcapng simple packet block) still counts as the previous frame, at
  // time zero; a record that is no packet (custom block, link type -1) does not (as in Wireshark).
  if (raw.linktype >= 0 || !(raw.noTimestamp || raw.hasTimestamp === false)) {
    st.prevSec = raw.tsSec;
    st.prevNsec = raw.tsNsec;
    st.hasPrev = true;
  }
  field(t, F.number.name, c.number, `Frame Number: ${c.number}`);
  const lenItem = field(t, F.len.name, raw.len, `Frame Length: ${bits(raw.len)}`);
  if (raw.len < c.cap) expert(c, lenItem.children, 0, 'error', 'malformed', 'Frame length is less than captured length', LEN_LT_CAPLEN);
  field(t, F.capLen.name, c.cap, `Capture Length: ${bits(c.cap)}`);
  if (raw.dropCount !== undefined) field(t, F.dropCount.name, raw.dropCount, `Drop Count: ${raw.dropCount}`);
  derived(t, F.marked.name, 0, 'Frame is marked: False');
  derived(t, F.ignored.name, 0, 'Frame is ignored: False');
  // The packet flags' direction, in Wireshark's point-to-point terms (0 sent, 1 received).
  if (direction === 1) field(t, F.p2pDir.name, 1, 'Point-to-Point Direction: Received (1)');
  else if (direction === 2) field(t, F.p2pDir.name, 0, 'Point-to-Point Direction: Sent (0)');
  if (custom) {
    const pen = `${penName(custom.pen)} (${custom.pen})`;
    field(t, F.cbPen.name, custom.pen, `Private Enterprise Number: ${pen}`);
    field(t, F.cbCopy.name, custom.copy ? 1 : 0, `Copying: ${custom.copy ? 'Allowed' : 'Not Allowed'}`);
    c.setProtocol('PCAPNG');
    c.setInfo(`Custom Block: PEN = ${pen}, will${custom.copy ? '' : ' not'} be copied`);
  }
  // Its value is known when the frame ends (finishProtocols, which also collects it when no tree is built).
  return lean ? leaf(t, '', null, '', 0, 0) : derived(t, F.protocols.name, '', '');
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
  item.display = `[Protocols in frame: ${s}]`; // a generated item (brackets as tshark -V prints them)
}
