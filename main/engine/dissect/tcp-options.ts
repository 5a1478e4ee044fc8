// TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018) as Wireshark shows them: one subtree per option
// with its kind and length, the values students look at, and the Info-column notes
// ("MSS=65495 SACK_PERM TSval=… TSecr=… WS=1024"). Every EOL byte is its own item, as in Wireshark.
import type { Field, TcpSegment } from '../types';
import { TCP_ACK, TCP_SYN } from '../types';
import { ge, le, lt, sub } from '../tcp/seq';
import { bitsDisplay, generated, leaf } from '../fields/tree';
import { defineField } from '../fields/registry';
import { bytesHex, clipLabel, hex } from '../fields/format';
import type { Ctx } from './context';
import { expert, defineExpert } from './expert';
import { dissectMptcp, type MptcpFlow } from './tcp-mptcp';

const F = {
  options: defineField('tcp.options', 'TCP Options', 'bytes'),
  kind: defineField('tcp.option_kind', 'Kind', 'uint'),
  len: defineField('tcp.option_len', 'Length', 'uint'),
  mss: defineField('tcp.options.mss', 'TCP MSS Option', 'none'),
  mssVal: defineField('tcp.options.mss_val', 'MSS Value', 'uint'),
  wscale: defineField('tcp.options.wscale', 'TCP Window Scale Option', 'none'),
  shift: defineField('tcp.options.wscale.shift', 'Shift count', 'uint'),
  multiplier: defineField('tcp.options.wscale.multiplier', 'Multiplier', 'uint'),
  sackPerm: defineField('tcp.options.sack_perm', 'TCP SACK Permitted Option', 'none'),
  sack: defineField('tcp.options.sack', 'TCP SACK Option', 'none'),
  sackLe: defineField('tcp.options.sack_le', 'TCP SACK Left Edge', 'uint'),
  sackRe: defineField('tcp.options.sack_re', 'TCP SACK Right Edge', 'uint'),
  sackCount: defineField('tcp.options.sack.count', 'TCP SACK Count', 'uint'),
  ts: defineField('tcp.options.timestamp', 'TCP Timestamp Option', 'none'),
  tsval: defineField('tcp.options.timestamp.tsval', 'Timestamp value', 'uint'),
  tsecr: defineField('tcp.options.timestamp.tsecr', 'Timestamp echo reply', 'uint'),
  nop: defineField('tcp.options.nop', 'TCP NOP Option', 'none'),
  eol: defineField('tcp.options.eol', 'TCP End of Options List', 'none'),
  sackDsackLe: defineField('tcp.options.sack.dsack_le', 'TCP D-SACK Left Edge', 'uint'),
  sackDsackRe: defineField('tcp.options.sack.dsack_re', 'TCP D-SACK Right Edge', 'uint'),
  tfo: defineField('tcp.options.tfo', 'TCP Fast Open', 'none'),
  tfoRequest: defineField('tcp.options.tfo.request', 'Fast Open Cookie Request', 'none'),
  tfoCookie: defineField('tcp.options.tfo.cookie', 'Fast Open Cookie', 'bytes'),
  md5: defineField('tcp.options.md5', 'TCP MD5 signature', 'bytes'),
  md5Digest: defineField('tcp.options.md5.digest', 'MD5 digest', 'bytes'),
  userTo: defineField('tcp.options.user_to', 'User Timeout', 'bytes'),
  userToGranularity: defineField('tcp.options.user_to_granularity', 'Granularity', 'bool'),
  userToVal: defineField('tcp.options.user_to_val', 'User Timeout', 'uint'),
  experimental: defineField('tcp.options.experimental', 'Experimental', 'bytes'),
  exid: defineField('tcp.options.experimental.exid', 'Experiment Identifier', 'hex', { digits: 4 }),
  expData: defineField('tcp.options.experimental.data', 'Data', 'bytes'),
  ao: defineField('tcp.options.ao', 'TCP Option - TCP AO', 'bytes'),
  aoKeyId: defineField('tcp.options.ao.keyid', 'AO KeyID', 'uint'),
  aoRNextKeyId: defineField('tcp.options.ao.rnextkeyid', 'AO RNextKeyID', 'uint'),
  aoMac: defineField('tcp.options.ao.mac', 'AO MAC', 'bytes'),
  qs: defineField('tcp.options.qs', 'TCP Option - Quick-Start', 'bytes'),
  qsRate: defineField('tcp.options.qs.rate', 'QS Rate', 'uint'),
  qsTtlDiff: defineField('tcp.options.qs.ttl_diff', 'QS Rate', 'uint'),
  accEcn: defineField('tcp.options.acc_ecn', 'TCP Option - Accurate ECN', 'none'),
  ee0b: defineField('tcp.options.acc_ecn.ee0b', 'Accurate ECN Echo ECT(0) Byte Counter', 'uint'),
  eceb: defineField('tcp.options.acc_ecn.eceb', 'Accurate ECN Echo CE Byte Counter', 'uint'),
  ee1b: defineField('tcp.options.acc_ecn.ee1b', 'Accurate ECN Echo ECT(1) Byte Counter', 'uint'),
  unknown: defineField('tcp.options.unknown', 'Unknown', 'none'),
  unknownPayload: defineField('tcp.options.unknown.payload', 'Payload', 'bytes'),
};
const BAD_LEN = defineExpert('tcp.option.len.invalid', 'Invalid length for option');
const WS_SHIFT = defineExpert('tcp.options.wscale.shift.invalid', 'Window scale shift exceeds 14');
const MSS_PRESENT = defineExpert('tcp.options.mss.present', 'The non-SYN packet does contain a MSS option');
const MSS_ABSENT = defineExpert('tcp.options.mss.absent', 'The SYN packet does not contain a MSS option');
const NOP_RUN = defineExpert('tcp.nop', '4 NOP in a row - a router may have removed some options');
const DSACK = defineExpert('tcp.options.sack.dsack', 'D-SACK Sequence');
const TFO_SYN = defineExpert('tcp.analysis.tfo_syn', 'TCP SYN with TFO Cookie');
const PADDING = defineExpert('tcp.non_zero_bytes_after_eol', 'Non-zero header padding');
const SUBOPTION = defineExpert('tcp.suboption_malformed', 'suboption would go past end of option');

/** Option kinds by number, as Wireshark 4.0's tcp_option_kind_vs names them ("Kind: …"). */
const KINDS: Record<number, string> = {
  0: 'End of Option List', 1: 'No-Operation', 2: 'Maximum Segment Size', 3: 'Window Scale', 4: 'SACK Permitted',
  5: 'SACK', 6: 'Echo', 7: 'Echo Reply', 8: 'Time Stamp Option', 9: 'Partial Order Connection Permitted',
  10: 'Partial Order Service Profile', 11: 'CC', 12: 'CC.NEW', 13: 'CC.ECHO', 14: 'TCP Alternate Checksum Request',
  15: 'TCP Alternate Checksum Data', 16: 'Skeeter', 17: 'Bubba', 18: 'Trailer Checksum Option', 19: 'MD5 Signature Option',
  20: 'SCPS Capabilities', 21: 'Selective Negative Acknowledgements', 22: 'Record Boundaries', 23: 'Corruption experienced',
  24: 'SNAP', 25: 'Unassigned', 26: 'TCP Compression Filter', 27: 'Quick-Start Response', 28: 'User Timeout Option',
  29: 'The TCP Authentication Option', 30: 'Multipath TCP', 34: 'TCP Fast Open Cookie', 76: 'Riverbed Probe',
  78: 'Riverbed Transparency', 172: 'Accurate ECN Order 0', 174: 'Accurate ECN Order 1', 253: 'RFC3692-style Experiment 1',
  254: 'RFC3692-style Experiment 2',
};
/** Expected lengths of the fixed-size options (Wireshark 4.0 checks these in each option's dissector). */
const FIXED: Record<number, number> = { 2: 4, 3: 3, 4: 2, 8: 10, 19: 18, 27: 8, 28: 4 };
/** Each option's name in the options summary and its subtree's title ("TCP Option - …"). */
const NAMES: Record<number, string> = {
  0: 'End of Option List (EOL)', 1: 'No-Operation (NOP)', 2: 'Maximum segment size', 3: 'Window scale', 4: 'SACK permitted', 5: 'SACK',
  8: 'Timestamps', 19: 'TCP MD5 signature', 27: 'Quick-Start', 28: 'User Timeout', 29: 'TCP AO', 30: 'MPTCP', 34: 'TCP Fast Open', 172: 'Accurate ECN',
  174: 'Accurate ECN', 253: 'Experimental', 254: 'Experimental',
};
/**
 * Accurate ECN's byte counters (draft-ietf-tcpm-accurate-ecn) in the order of each option kind: name in
 * Info and title, field. Order 0 (kind 172) starts with ECT(0), order 1 (kind 174) with ECT(1).
 */
const ACC_ECN_COUNTERS: Record<number, readonly (readonly [string, typeof F.ee0b])[]> = {
  172: [['EE0B', F.ee0b], ['ECEB', F.eceb], ['EE1B', F.ee1b]],
  174: [['EE1B', F.ee1b], ['ECEB', F.eceb], ['EE0B', F.ee0b]],
};

/** The experiment identifier of TCP Fast Open in the shared experimental options (RFC 7413 §4.1.1). */
const EXID_FAST_OPEN = 0xf989;

/** An Accurate ECN option's valid lengths: 2, 5, 8 or 11 (none to three 3-byte counters). */
function accEcnLength(len: number): boolean {
  return len <= 11 && (len - 2) % 3 === 0;
}

/** RFC 4782's Quick-Start rates by the 4-bit rate request, as Wireshark 4.0 names them. */
export const QS_RATES = ['0 bit/s', '80 kbit/s', '160 kbit/s', '320 kbit/s', '640 kbit/s', '1.28 Mbit/s', '2.56 Mbit/s', '5.12 Mbit/s',
  '10.24 Mbit/s', '20.48 Mbit/s', '40.96 Mbit/s', '81.92 Mbit/s', '163.84 Mbit/s', '327.68 Mbit/s', '655.36 Mbit/s', '1.31072 Gbit/s'];
/** The field of each option's subtree. */
const OPTION_FIELDS: Record<number, string> = {
  2: 'tcp.options.mss', 3: 'tcp.options.wscale', 4: 'tcp.options.sack_perm', 8: 'tcp.options.timestamp', 19: 'tcp.options.md5', 27: 'tcp.options.qs',
  28: 'tcp.options.user_to',
};



/** What the options tell TCP about Multipath TCP: the segment's subflow (in), whether an MPTCP option was met (out). */
export interface MptcpSeen { flow: MptcpFlow | null; seen: boolean }

/**
 * Dissects the options in [off, off+len), fills the segment's option facts, and returns the Info
 * notes. `peerBase` makes SACK edges relative (the peer's ISN), or null before it is known.
 */
export function dissectTcpOptions(c: Ctx, tree: Field[], off: number, len: number, seg: TcpSegment, peerBase: number | null, pduEnd: number,
  mptcp: MptcpSeen = { flow: null, seen: false }): void {
  const d = c.d, v = c.v;
  // Options cut off before their first byte: Wireshark's value is missing (tshark prints "<MISSING>").
  const head = leaf(tree, F.options.name, c.avail(off, pduEnd) > 0 ? bytesHex(d, off, Math.min(len, c.avail(off, pduEnd))) : '<MISSING>', `Options: (${len} bytes)`, off, len);
  const names: string[] = [];
  // Info notes are appended as each option is read, so a capture cut inside the options keeps them.
  const info = (s: string): void => c.appendInfo(s);
  const end = off + len;
  const syn = (seg.flags & TCP_SYN) !== 0;
  /** An MSS option met, whatever its length (Wireshark notes a SYN without one). */
  let mssSeen = false;
  /**
   * NOPs in a row as Wireshark 4.0 counts them: the first NOP counts, and so does each one not on a
   * 4-byte boundary of the header; a NOP on a boundary after others starts over (without counting).
   */
  let nops = 0;
  /**
   * The packet's SACK blocks so far, over all its SACK options, as Wireshark keeps them per packet: how
   * many, and the first two's edges as shown (zeros until there are any). Its D-SACK test reads these,
   * not the option's own blocks.
   */
  let packetBlocks = 0;
  const packetEdges = [0, 0, 0, 0];
  try {
    // An option whose length cannot be walked (or bad padding) ends the options before the note, as in Wireshark.
    const whole = walkOptions();
    if (whole && syn && !mssSeen) expert(c, head.children, off, 'note', 'protocol', 'The SYN packet does not contain a MSS option', MSS_ABSENT);
  } finally {
    // Appended to the label as Wireshark appends them, so it is cut at ITEM_LABEL_LENGTH like any label.
    if (names.length) head.display = clipLabel(head.display + ', ' + names.join(', '));
  }
  /**
   * A Fast Open cookie of `n` bytes at `at` (kind 34, or the experiment 0xF989): none is a cookie request,
   * shown over `requestAt` (the option's start, or the experiment identifier).
   */
  function fastOpen(it: Field, at: number, n: number, requestAt: number): void {
    if (n === 0) {
      leaf(it.children, F.tfoRequest.name, 1, 'Fast Open Cookie Request', requestAt, 2); // FT_NONE: tshark prints 1
      info(' TFO=R');
      return;
    }
    const cookie = bytesHex(d, at, n);
    const ci = leaf(it.children, F.tfoCookie.name, cookie, `Fast Open Cookie: ${cookie}`, at, n);
    info(' TFO=C');
    if ((seg.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN) expert(c, ci.children, at, 'note', 'sequence', 'TCP SYN with TFO Cookie', TFO_SYN);
  }
  /** Walks the options; false when one whose length cannot be walked, or bad padding, ended the walk. */
  function walkOptions(): boolean {
  let p = off;
  while (p < end) {
    c.need(p, 1, pduEnd);
    const kind = d[p];
    const kindName = KINDS[kind] ?? 'Unknown';
    if (kind === 1) {
      if (nops === 0 || (p - off) % 4 !== 0) {
        if (++nops === 4) expert(c, head.children, p, 'warning', 'protocol', '4 NOP in a row - a router may have removed some options', NOP_RUN);
      } else nops = 0;
    }
    if (kind === 0 || kind === 1) {
      const nm = kind === 0 ? 'End of Option List (EOL)' : 'No-Operation (NOP)';
      const it = leaf(head.children, kind === 0 ? F.eol.name : F.nop.name, bytesHex(d, p, 1), `TCP Option - ${nm}`, p, 1);
      leaf(it.children, F.kind.name, kind, `Kind: ${kindName} (${kind})`, p, 1);
      names.push(nm);
      p++;
      // After EOL only zeros may follow (each read as one more EOL): a non-zero byte starts bad padding, not options.
      if (kind === 0 && p < end) {
        c.need(p, 1, pduEnd);
        if (d[p] !== 0) {
          const pad = leaf(head.children, '', null, 'Non-zero header padding', p, end - p);
          expert(c, pad.children, p, 'error', 'protocol', 'Non-zero header padding', PADDING);
          return false;
        }
      }
      continue;
    }
    const name = NAMES[kind] ?? `Unknown (0x${kind.toString(16).padStart(2, '0')})`;
    // Wireshark 4.0 stops at an option whose length cannot be walked: a note naming the problem.
    const bad = (msg: string, n: number): void => {
      const it = leaf(head.children, '', null, msg, p, n);
      expert(c, it.children, p, 'note', 'sequence', msg, BAD_LEN);
    };
    if (p + 1 >= end) { bad(`${name} (length byte past end of options)`, 1); return false; }
    c.need(p + 1, 1, pduEnd);
    const optLen = d[p + 1];
    if (optLen < 2) { bad(`${name} (with too-short option length = ${optLen} byte${optLen === 1 ? '' : 's'})`, 2); return false; }
    if (p + optLen > end) { bad(`${name} (option length = ${optLen} bytes says option goes past end of options)`, end - p); return false; }
    const body = p + 2;
    if (kind === 2) mssSeen = true;
    // An option of a fixed size with another length: its kind and length, a note on the length, nothing more.
    const want = FIXED[kind];
    if (want !== undefined && optLen !== want) {
      const it = leaf(head.children, OPTION_FIELDS[kind] ?? F.unknown.name, bytesHex(d, p, c.avail(p, p + optLen)), `TCP Option - ${name}`, p, optLen);
      if (kind === 2 && !syn) expert(c, it.children, p, 'warning', 'protocol', 'The non-SYN packet does contain a MSS option', MSS_PRESENT);
      const li = kindLen(it, kind, optLen, p);
      expert(c, li.children, p + 1, 'note', 'sequence', `option length should be ${want}`, BAD_LEN);
      names.push(name);
      p += optLen;
      continue;
    }
    // Timestamps show what was captured of them (kind, length, TSval), as Wireshark reads field by field.
    c.need(p, kind === 8 ? 2 : optLen, pduEnd);
    const bytes = kind === 8 ? '' : bytesHex(d, p, optLen);
    switch (kind) {
      case 2: {
        const mss = v.getUint16(body);
        const it = leaf(head.children, F.mss.name, bytes, `TCP Option - Maximum segment size: ${mss} bytes`, p, optLen);
        if (!(seg.flags & TCP_SYN)) expert(c, it.children, p, 'warning', 'protocol', 'The non-SYN packet does contain a MSS option', MSS_PRESENT);
        kindLen(it, kind, optLen, p);
        leaf(it.children, F.mssVal.name, mss, `MSS Value: ${mss}`, body, 2);
        seg.mss = mss;
        info(` MSS=${mss}`);
        break;
      }
      case 3: {
        const shift = d[body];
        const mult = 2 ** (shift > 14 ? 14 : shift);
        const it = leaf(head.children, F.wscale.name, bytes, `TCP Option - Window scale: ${shift} (multiply by ${mult})`, p, optLen);
        kindLen(it, kind, optLen, p);
        const sh = leaf(it.children, F.shift.name, shift, `Shift count: ${shift}`, body, 1);
        if (shift > 14) expert(c, sh.children, body, 'warning', 'protocol', 'Window scale shift exceeds 14', WS_SHIFT);
        generated(it.children, F.multiplier.name, mult, `Multiplier: ${mult}`, body, 1);
        seg.wscaleShift = shift;
        info(` WS=${mult}`);
        break;
      }
      case 4: {
        const it = leaf(head.children, F.sackPerm.name, bytes, 'TCP Option - SACK permitted', p, optLen);
        kindLen(it, kind, optLen, p);
        seg.sackPerm = true;
        info(' SACK_PERM');
        break;
      }
      case 5: {
        const it = leaf(head.children, F.sack.name, bytes, 'TCP Option - SACK', p, optLen);
        kindLen(it, kind, optLen, p);
        const edges: number[] = [];
        // Edges are shown relative to the peer's ISN (as they are while it is unknown), as tshark words them
        // with relative numbers on.
        const rel = ' (relative)';
        const shownEdge = (raw: number) => (peerBase === null ? raw : sub(raw, peerBase));
        const optEnd = p + optLen;
        let shown = '';
        let count = 0;
        for (let q = body; q + 8 <= optEnd; q += 8) {
          const left = v.getUint32(q), right = v.getUint32(q + 4);
          edges.push(left, right);
          const rle = shownEdge(left), rre = shownEdge(right);
          if (packetBlocks < 2) {
            packetEdges[2 * packetBlocks] = rle;
            packetEdges[2 * packetBlocks + 1] = rre;
          }
          packetBlocks++;
          leaf(it.children, F.sackLe.name, rle, `left edge = ${rle}${rel}`, q, 4);
          leaf(it.children, F.sackRe.name, rre, `right edge = ${rre}${rel}`, q + 4, 4);
          shown += ` ${rle}-${rre}`;
          info(` SLE=${rle} SRE=${rre}`);
          count++;
        }
        if ((optLen - 2) % 8) {
          const q = body + count * 8;
          // Half a block: its left edge is shown (not counted, nor used by the analysis), then the complaint.
          if (q + 4 <= optEnd) {
            const rle = shownEdge(v.getUint32(q));
            leaf(it.children, F.sackLe.name, rle, `left edge = ${rle}${rel}`, q, 4);
          }
          const complaint = leaf(it.children, '', null, 'suboption would go past end of option', q, optEnd - q);
          expert(c, complaint.children, q, 'error', 'malformed', 'suboption would go past end of option', SUBOPTION);
        }
        it.display += shown;
        generated(it.children, F.sackCount.name, count, `TCP SACK Count: ${count}`, p, 0);
        // RFC 2883 D-SACK, as Wireshark 4.0 tests it: the packet's first block at or below the ACK, or inside
        // its second. What it then shows is this option's first block, read from its bytes: past the end of an
        // option without a whole block (the left edge if it is there, then an exception: a malformed packet).
        const ack = peerBase !== null && (seg.flags & TCP_ACK) ? sub(seg.ack, peerBase) : seg.ack;
        const [, re0, le1, re1] = packetEdges;
        if (le(re0, ack) || (packetBlocks > 1 && lt(le1, re0) && ge(re1, re0))) {
          if (body + 4 <= optEnd) {
            const dle = shownEdge(v.getUint32(body));
            generated(it.children, F.sackDsackLe.name, dle, `D-SACK Left Edge = ${dle}${rel}`, body, 4);
          }
          c.need(body, 8, optEnd);
          const dre = shownEdge(v.getUint32(body + 4));
          generated(it.children, F.sackDsackRe.name, dre, `D-SACK Right Edge = ${dre}${rel}`, body + 4, 4);
          const ds = leaf(it.children, '', null, 'D-SACK Sequence', body, 8);
          expert(c, ds.children, body, 'warning', 'sequence', 'D-SACK Sequence', DSACK);
        }
        seg.sack = edges;
        break;
      }
      case 8: {
        const it = leaf(head.children, F.ts.name, bytesHex(d, p, c.avail(p, p + optLen)), 'TCP Option - Timestamps', p, optLen);
        kindLen(it, kind, optLen, p);
        c.need(body, 4, pduEnd);
        const tsval = v.getUint32(body);
        leaf(it.children, F.tsval.name, tsval, `Timestamp value: ${tsval}`, body, 4);
        c.need(body + 4, 4, pduEnd);
        const tsecr = v.getUint32(body + 4);
        // The title gets its values once both were read (a cut option keeps the bare title).
        it.display += `: TSval ${tsval}, TSecr ${tsecr}`;
        leaf(it.children, F.tsecr.name, tsecr, `Timestamp echo reply: ${tsecr}`, body + 4, 4);
        seg.tsval = tsval;
        seg.tsecr = tsecr;
        info(` TSval=${tsval} TSecr=${tsecr}`);
        break;
      }
      case 30:
        mptcp.seen = true;
        dissectMptcp(c, head.children, p, optLen, mptcp.flow, (it) => kindLen(it, kind, optLen, p));
        break;
      case 34: {
        const it = leaf(head.children, F.tfo.name, bytes, 'TCP Option - TCP Fast Open', p, optLen);
        kindLen(it, kind, optLen, p);
        fastOpen(it, body, optLen - 2, p);
        break;
      }
      case 19: {
        info(' MD5');
        const it = leaf(head.children, F.md5.name, bytes, 'TCP Option - TCP MD5 signature', p, optLen);
        kindLen(it, kind, optLen, p);
        if (optLen > 2) leaf(it.children, F.md5Digest.name, bytesHex(d, body, optLen - 2), `MD5 digest: ${bytesHex(d, body, optLen - 2)}`, body, optLen - 2);
        break;
      }
      case 29: {
        // RFC 5925 TCP-AO: KeyID, RNextKeyID, then the MAC. Wireshark notes it in Info without a space.
        const it = leaf(head.children, F.ao.name, bytes, 'TCP Option - TCP AO', p, optLen);
        kindLen(it, kind, optLen, p);
        info('TCP AO');
        if (optLen >= 4) {
          leaf(it.children, F.aoKeyId.name, d[body], `AO KeyID: ${d[body]}`, body, 1);
          leaf(it.children, F.aoRNextKeyId.name, d[body + 1], `AO RNextKeyID: ${d[body + 1]}`, body + 1, 1);
          if (optLen > 4) leaf(it.children, F.aoMac.name, bytesHex(d, body + 2, optLen - 4), `AO MAC: ${bytesHex(d, body + 2, optLen - 4)}`, body + 2, optLen - 4);
        }
        break;
      }
      case 27: {
        // RFC 4782 Quick-Start Response: the rate (low 4 bits) and the TTL difference (labelled "QS Rate" too).
        const it = leaf(head.children, F.qs.name, bytes, 'TCP Option - Quick-Start', p, optLen);
        kindLen(it, kind, optLen, p);
        const rate = d[body] & 0x0f;
        leaf(it.children, F.qsRate.name, rate, bitsDisplay(d[body], 0x0f, 8, 'QS Rate', `${QS_RATES[rate]} (${rate})`), body, 1);
        leaf(it.children, F.qsTtlDiff.name, d[body + 1], `QS Rate: ${d[body + 1]}`, body + 1, 1);
        info(` QSresp=${QS_RATES[rate]}`);
        break;
      }
      case 28: {
        const it = leaf(head.children, F.userTo.name, bytes, 'TCP Option - User Timeout', p, optLen);
        kindLen(it, kind, optLen, p);
        if (optLen === 4) {
          const w = v.getUint16(body);
          info(` USER_TO=${w & 0x7fff}`);
          leaf(it.children, F.userToGranularity.name, w >> 15, bitsDisplay(w, 0x8000, 16, 'Granularity', w & 0x8000 ? 'Minutes' : 'Seconds'), body, 2);
          leaf(it.children, F.userToVal.name, w & 0x7fff, bitsDisplay(w, 0x7fff, 16, 'User Timeout', String(w & 0x7fff)), body, 2);
        }
        break;
      }
      case 172:
      case 174: {
        const it = leaf(head.children, F.accEcn.name, bytes, 'TCP Option - Accurate ECN', p, optLen);
        const li = kindLen(it, kind, optLen, p);
        // Another length: the note only (no counters, no Info note, and the conversation stays as it was).
        if (!accEcnLength(optLen)) {
          expert(c, li.children, p + 1, 'note', 'sequence', `option length should be 2, 5, 8, or 11 instead of ${optLen}`, BAD_LEN);
          break;
        }
        const counters = ACC_ECN_COUNTERS[kind].slice(0, (optLen - 2) / 3);
        if (!counters.length) info(' AccECN');
        const shown: string[] = [];
        counters.forEach(([short, field], i) => {
          const q = body + 3 * i, n = (d[q] << 16) | (d[q + 1] << 8) | d[q + 2];
          leaf(it.children, field.name, n, `${field.label}: ${n}`, q, 3);
          shown.push(`${short} ${n}`);
          info(` ${short}=${n}`);
        });
        if (shown.length) it.display += ` (Order ${kind === 172 ? 0 : 1}): ${shown.join(', ')}`;
        break;
      }
      case 253:
      case 254: {
        // RFC 6994: a 16-bit experiment identifier, then the experiment's data. Too short for the identifier:
        // Wireshark 4.0 names no experiment and notes the length.
        if (optLen < 4) {
          const it = leaf(head.children, F.experimental.name, bytes, 'TCP Option - Experimental', p, optLen);
          const li = kindLen(it, kind, optLen, p);
          expert(c, li.children, p + 1, 'note', 'sequence', `option length ${optLen} smaller than 4`, BAD_LEN);
          break;
        }
        const exid = v.getUint16(body);
        if (exid === EXID_FAST_OPEN) {
          // TCP Fast Open before it had its own kind (RFC 7413 §4.1.1): a cookie request, or the cookie.
          const it = leaf(head.children, F.experimental.name, bytes, 'TCP Option - Experimental: Fast Open', p, optLen);
          kindLen(it, kind, optLen, p);
          leaf(it.children, F.exid.name, hex(exid, 4), `Experiment Identifier: Fast Open (${hex(exid, 4)})`, body, 2);
          fastOpen(it, body + 2, optLen - 4, body);
          break;
        }
        info(` ExID=${exid.toString(16).toUpperCase()}`);
        const it = leaf(head.children, F.experimental.name, bytes, 'TCP Option - Experimental: Unknown', p, optLen);
        kindLen(it, kind, optLen, p);
        leaf(it.children, F.exid.name, hex(exid, 4), `Experiment Identifier: Unknown (${hex(exid, 4)})`, body, 2);
        if (optLen > 4) leaf(it.children, F.expData.name, bytesHex(d, body + 2, optLen - 4), `Data: ${bytesHex(d, body + 2, optLen - 4)}`, body + 2, optLen - 4);
        break;
      }
      default: {
        // Options Wireshark 4.0 has no dissector of its own for (or that we do not dissect).
        const it = leaf(head.children, F.unknown.name, bytes, 'TCP Option - Unknown', p, optLen);
        kindLen(it, kind, optLen, p);
        if (optLen > 2) leaf(it.children, F.unknownPayload.name, bytesHex(d, body, optLen - 2), `Payload: ${bytesHex(d, body, optLen - 2)}`, body, optLen - 2);
      }
    }
    // The summary names an option once its dissection returned (one cut short by the capture is not named).
    names.push(name);
    p += optLen;
  }
  return true;
  }
}

/** The kind and length items every option with a length starts with; returns the length item. */
function kindLen(it: Field, kind: number, len: number, p: number): Field {
  leaf(it.children, F.kind.name, kind, `Kind: ${KINDS[kind] ?? 'Unknown'} (${kind})`, p, 1);
  return leaf(it.children, F.len.name, len, `Length: ${len}`, p + 1, 1);
}

/**
 * The option facts tracking needs (window scale, SACK edges, MSS, timestamps), read without building
 * a tree, before the analysis runs (Wireshark analyses a segment before it dissects its options).
 * Stops where the tree-building pass stops (an option whose length cannot be walked).
 */
export function parseOptionFacts(d: Uint8Array, off: number, len: number, seg: TcpSegment): void {
  const end = off + len;
  let p = off;
  while (p < end) {
    const kind = d[p];
    // After EOL only zero padding may follow: a non-zero byte there ends the options (see walkOptions).
    if (kind === 0) {
      if (p + 1 < end && d[p + 1] !== 0) return;
      p++;
      continue;
    }
    if (kind === 1) { p++; continue; }
    if (p + 1 >= end) return;
    const l = d[p + 1];
    if (l < 2 || p + l > end) return;
    // A fixed-size option with another length gives no facts; the walk goes on after it.
    const want = FIXED[kind];
    if (want !== undefined && l !== want) { p += l; continue; }
    const b = p + 2;
    switch (kind) {
      case 2: seg.mss = (d[b] << 8) | d[b + 1]; break;
      case 3: seg.wscaleShift = d[b]; break;
      case 4: seg.sackPerm = true; break;
      case 5: {
        const edges: number[] = [];
        for (let q = b; q + 8 <= p + l; q += 8) edges.push(u32(d, q), u32(d, q + 4));
        seg.sack = edges;
        break;
      }
      case 8: seg.tsval = u32(d, b); seg.tsecr = u32(d, b + 4); break;
      case 172: case 174: if (accEcnLength(l)) seg.accEcnOption = true; break;
    }
    p += l;
  }
}

function u32(d: Uint8Array, o: number): number {
  return ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
}
