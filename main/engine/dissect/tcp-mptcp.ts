// Multipath TCP (RFC 8684, TCP option kind 30) as tshark 4.0 shows it with its default preferences: the
// option as a protocol item of its own ("Multipath Transmission Control Protocol: Data Sequence Signal",
// "mptcp" in frame.protocols, "MPTCP" in the Protocol column), the token and initial data sequence number
// a v1 key gives (SHA-256), data sequence numbers relative to them, and an [MPTCP analysis] subtree that
// names the MPTCP connection (mptcp.stream) and its subflows (TCP streams).
import type { Field } from '../types';
import { bitsDisplay, generated, leaf } from '../fields/tree';
import { defineField } from '../fields/registry';
import { bytesHex, hex, ipv4, ipv6 } from '../fields/format';
import type { Ctx } from './context';
import { dissectState } from './state';
import { defineExpert, expert } from './expert';
import { sha256 } from './sha256';
import { sha1 } from './sha1';
import type { DupAckTolerance } from '../tcp/sequence-analysis';

const F = {
  subtype: defineField('tcp.options.mptcp.subtype', 'Multipath TCP subtype', 'uint'),
  version: defineField('tcp.options.mptcp.version', 'Multipath TCP version', 'uint'),
  flags: defineField('tcp.options.mptcp.flags', 'Multipath TCP flags', 'hex'),
  reserved: defineField('tcp.options.mptcp.reserved', 'Reserved', 'hex'),
  sendKey: defineField('tcp.options.mptcp.sendkey', "Sender's Key", 'uint'),
  recvKey: defineField('tcp.options.mptcp.recvkey', "Receiver's Key", 'uint'),
  dataLen: defineField('tcp.options.mptcp.datalvllen', 'Data-level Length', 'uint'),
  checksum: defineField('tcp.options.mptcp.checksum', 'Checksum', 'hex'),
  addrId: defineField('tcp.options.mptcp.addrid', 'Address ID', 'uint'),
  recvTok: defineField('tcp.options.mptcp.recvtok', "Receiver's Token", 'uint'),
  sendRand: defineField('tcp.options.mptcp.sendrand', "Sender's Random Number", 'uint'),
  sendTruncHmac: defineField('tcp.options.mptcp.sendtrunchmac', "Sender's Truncated HMAC", 'uint'),
  sendHmac: defineField('tcp.options.mptcp.sendhmac', "Sender's HMAC", 'bytes'),
  rawAck: defineField('tcp.options.mptcp.rawdataack', 'Original MPTCP Data ACK', 'uint'),
  rawDsn: defineField('tcp.options.mptcp.rawdataseqno', 'Data Sequence Number', 'uint'),
  ssn: defineField('tcp.options.mptcp.subflowseqno', 'Subflow Sequence Number', 'uint'),
  echo: defineField('tcp.options.mptcp.echo', 'Echo', 'uint'),
  ipv4: defineField('tcp.options.mptcp.ipv4', 'Advertised IPv4 Address', 'ipv4'),
  ipv6: defineField('tcp.options.mptcp.ipv6', 'Advertised IPv6 Address', 'ipv6'),
  port: defineField('tcp.options.mptcp.port', 'Advertised port', 'uint'),
  addAddrHmac: defineField('tcp.options.mptcp.addaddrtrunchmac', 'Truncated HMAC', 'uint'),
  rstReason: defineField('tcp.options.mptcp.rst_reason', 'TCPRST Reason', 'hex'),
  ack: defineField('mptcp.ack', 'Multipath TCP Data ACK', 'uint'),
  dssDsn: defineField('mptcp.dss.dsn', 'DSS Data Sequence Number', 'uint'),
  token: defineField('mptcp.expected_token', 'Subflow token generated from key', 'uint'),
  idsn: defineField('mptcp.expected_idsn', 'Subflow expected IDSN', 'uint'),
  rmCount: defineField('mptcp.rm_addr.count', 'Number of removed addresses', 'uint'),
  analysis: defineField('mptcp.analysis', 'MPTCP analysis', 'none'),
  master: defineField('mptcp.master', 'Master flow', 'bool'),
  stream: defineField('mptcp.stream', 'Stream index', 'uint'),
  subflows: defineField('mptcp.analysis.subflows', 'TCP subflow stream id(s)', 'string'),
};
defineField('mptcp', 'Multipath Transmission Control Protocol', 'protocol');
const ECHOED_KEY = defineExpert('mptcp.connection.echoed_key_mismatch', 'The echoed key in the ACK of the MPTCP handshake does not match the key of the SYN/ACK');

/** One-bit (or few-bit) flags of the option, each as tshark names it: field, label, mask. */
type Bit = readonly [string, string, number];
const CAPABLE_V1: readonly Bit[] = [
  ['tcp.options.mptcp.checksumreq.flags', 'Checksum required', 0x80], ['tcp.options.mptcp.extensibility.flag', 'Extensibility', 0x40],
  ['tcp.options.mptcp.nomoresubflows.flag', 'Do not attempt to establish new subflows to this address and port', 0x20],
  ['tcp.options.mptcp.sha256.flag', 'Use HMAC-SHA256', 0x01],
];
const CAPABLE_V0: readonly Bit[] = [
  ['tcp.options.mptcp.checksumreq.flags', 'Checksum required', 0x80], ['tcp.options.mptcp.extensibility.flag', 'Extensibility', 0x40],
  ['tcp.options.mptcp.sha1.flag', 'Use HMAC-SHA1', 0x01],
];
const DSS_BITS: readonly Bit[] = [
  ['tcp.options.mptcp.datafin.flag', 'DATA_FIN', 0x10], ['tcp.options.mptcp.dseqn8.flag', 'Data Sequence Number is 8 octets', 0x08],
  ['tcp.options.mptcp.dseqnpresent.flag', 'Data Sequence Number, Subflow Sequence Number, Data-level Length, Checksum present', 0x04],
  ['tcp.options.mptcp.dataack8.flag', 'Data ACK is 8 octets', 0x02], ['tcp.options.mptcp.dataackpresent.flag', 'Data ACK is present', 0x01],
];
/** MP_TCPRST's flags: booleans over the low nibble of the subtype byte, named after the value when set. */
const RST_BITS: readonly Bit[] = [
  ['tcp.options.mptcp.flag_U.flag', 'Flag U', 0x8], ['tcp.options.mptcp.flag_V.flag', 'Flag V', 0x4],
  ['tcp.options.mptcp.flag_W.flag', 'Flag W', 0x2], ['tcp.options.mptcp.flag_T.flag', 'Transient', 0x1],
];
for (const [name, label] of [...CAPABLE_V1, ...CAPABLE_V0, ...DSS_BITS]) defineField(name, label, 'uint');
for (const [name, label] of RST_BITS) defineField(name, label, 'bool');
defineField('tcp.options.mptcp.reserved.flag', 'Reserved', 'hex');
defineField('tcp.options.mptcp.backup.flag', 'Backup flag', 'uint');

/** Subtype names (Wireshark 4.0's mptcp_subtype_vs). */
const SUBTYPES = ['Multipath Capable', 'Join Connection', 'Data Sequence Signal', 'Add Address', 'Remove Address',
  'Change Subflow Priority', 'TCP Fallback', 'Fast Close', 'TCP Reset'];
/** MP_TCPRST reason codes (RFC 8684 §3.6). */
const RST_REASONS = ['Unspecified error', 'MPTCP-specific error', 'Lack of resources', 'Administratively prohibited',
  'Too much outstanding data', 'Unacceptable performance', 'Middlebox interference'];

const MOD64 = 1n << 64n;
const LOW32 = 0xffffffffn;

/** One end of an MPTCP connection: its key once seen, and the token and IDSN (data sequence base) it gives. */
interface Meta { key: bigint | null; token: number | null; base: bigint | null }
/**
 * An MPTCP connection: mptcp.stream, its first subflow (master, the TCP stream of MP_CAPABLE), its subflows
 * (newest first), and the subtypes of the operations seen on it (bit per subtype, see OPERATIONS).
 */
interface Conn { stream: number; master: number; metas: [Meta, Meta]; subflows: number[]; ops: number }
/**
 * A TCP stream's connection, the meta index of that subflow's client, and per direction the operations
 * the last excused duplicate ACK knew of.
 */
interface Subflow { conn: Conn; clientMeta: 0 | 1; seenOps: [number, number] }
/** Per capture: the connections, and each TCP stream's. */
export interface MptcpState { conns: Conn[]; byTcp: Map<number, Subflow> }

export function newMptcpState(): MptcpState {
  return { conns: [], byTcp: new Map() };
}

/**
 * Subtypes that count as operations: ADD_ADDR, REMOVE_ADDR, MP_PRIO, MP_FAIL, MP_FASTCLOSE (measured against
 * tshark 4.0: MP_CAPABLE, DSS, MP_TCPRST and unknown subtypes do not; nor do the MP_JOINs of a real second
 * subflow, real-mptcp-join.pcap, though a crafted MP_JOIN on an established subflow does: not modelled).
 */
const OPERATIONS = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7);

/**
 * tshark 4.0 excuses a flow's duplicate ACK once for each new kind of operation its MPTCP connection has
 * seen since the flow's last excused one (RFC 8684 §4 lets MPTCP repeat ACKs): measured, see mptcp-craft.py.
 */
function tolerance(state: MptcpState): DupAckTolerance {
  return {
    tolerated(stream: number, direction: number): boolean {
      const e = state.byTcp.get(stream);
      if (!e || e.seenOps[direction] === e.conn.ops) return false;
      e.seenOps[direction] = e.conn.ops;
      return true;
    },
  };
}

/** The TCP segment an option belongs to: its stream and direction, or null when TCP did not analyse it. */
export interface MptcpFlow { stream: number; direction: 0 | 1 }

/**
 * A key's token (the most significant 32 bits of its hash) and IDSN (the least significant 64): SHA-256 in
 * version 1 (RFC 8684 §3.1), SHA-1 in version 0 (RFC 6824 §3.1); none for other versions.
 */
function keyFacts(d: Uint8Array, at: number, version: number): { token: number; idsn: bigint } | null {
  if (version > 1) return null;
  const key = d.subarray(at, at + 8);
  const h = version === 1 ? sha256(key) : sha1(key);
  const v = new DataView(h.buffer);
  return { token: v.getUint32(0), idsn: v.getBigUint64(h.length - 8) };
}

/**
 * Dissects one MPTCP option of `optLen` bytes at `p` (all within the options) into `tree`; `kindLen` adds its
 * kind and length items. Cross-frame facts go through the tape.
 */
export function dissectMptcp(c: Ctx, tree: Field[], p: number, optLen: number, flow: MptcpFlow | null, kindLen: (it: Field) => void): void {
  const d = c.d, v = c.v;
  c.protos.push('mptcp');
  c.setProtocol('MPTCP');
  const saved = c.current;
  c.current = 'MPTCP';
  const state = dissectState(c.session).mptcp;
  if (!c.replay) c.session.tcp.dupAckTolerance ??= tolerance(state);
  const entry = (): Subflow | undefined => (flow ? state.byTcp.get(flow.stream) : undefined);
  /** The connection of this subflow, made (without a master or subflows) when there is none yet. */
  const connOf = (): Subflow | undefined => {
    if (!flow) return undefined;
    let e = state.byTcp.get(flow.stream);
    if (!e) {
      e = { conn: newConn(-1), clientMeta: 0, seenOps: [0, 0] };
      state.byTcp.set(flow.stream, e);
    }
    return e;
  };
  /** The segment's subflow belongs to a connection (made if needed), which notes this option as an operation if it is one. */
  const noteOperation = (): number => {
    const e = connOf();
    if (e && (OPERATIONS >> sub) & 1) e.conn.ops |= 1 << sub;
    return 0;
  };
  const newConn = (master: number): Conn => {
    const conn: Conn = { stream: state.conns.length, master, metas: [{ key: null, token: null, base: null }, { key: null, token: null, base: null }], subflows: [], ops: 0 };
    state.conns.push(conn);
    return conn;
  };
  // The option is read as a buffer of its own: reading past its length is a malformed packet.
  const oe = p + optLen;
  const sub = c.avail(p + 2, oe) > 0 ? d[p + 2] >> 4 : -1;
  const subName = SUBTYPES[sub] ?? 'Unknown';
  const title = sub < 0 ? '' : SUBTYPES[sub] ?? `Unknown (${sub})`;
  const it = leaf(tree, 'mptcp', null, `Multipath Transmission Control Protocol${title ? ': ' + title : ''}`, p, optLen);
  const t = it.children;
  kindLen(it);
  c.need(p + 2, 1, oe);
  const b2 = d[p + 2];
  leaf(t, F.subtype.name, sub, bitsDisplay(b2, 0xf0, 8, 'Multipath TCP subtype', `${subName} (${sub})`), p + 2, 1);
  const flagsItem = (at: number, value: number, bits: readonly Bit[], width: number, mask: number): Field => {
    const fi = leaf(t, F.flags.name, hex(value, 2), `Multipath TCP flags: ${hex(value, 2)}`, at, 1);
    for (const [name, label, m] of bits) {
      const on = (value & mask & m) !== 0;
      leaf(fi.children, name, on ? 1 : 0, bitsDisplay(value & mask, m, width, label, on ? '1' : '0'), at, 1);
    }
    return fi;
  };
  const reserved12 = (): void => {
    c.need(p + 2, 2, oe);
    const r = v.getUint16(p + 2) & 0xfff;
    leaf(t, F.reserved.name, hex(r, 4), bitsDisplay(r, 0xfff, 16, 'Reserved', hex(r, 3)), p + 2, 2);
  };
  /** The meta index of this segment's sender in its connection. */
  const senderMeta = (e: Subflow): 0 | 1 => ((e.clientMeta ^ (flow?.direction ?? 0)) as 0 | 1);
  switch (sub) {
    case 0: {
      const version = b2 & 0x0f;
      leaf(t, F.version.name, version, bitsDisplay(b2, 0x0f, 8, 'Multipath TCP version', String(version)), p + 2, 1);
      c.need(p + 3, 1, oe);
      const fl = d[p + 3];
      const fi = flagsItem(p + 3, fl, version === 0 ? CAPABLE_V0 : CAPABLE_V1, 8, 0xff);
      // Reserved bits: 0x3e in v0, 0x1e in v1 (which took 0x20 for "no more subflows"); hex digits by the mask's width.
      const rmask = version === 0 ? 0x3e : 0x1e;
      const r = (fl & rmask) >> 1;
      leaf(fi.children, 'tcp.options.mptcp.reserved.flag', hex(r, 2), bitsDisplay(fl, rmask, 8, 'Reserved', hex(r, version === 0 ? 2 : 1)), p + 3, 1);
      if (optLen === 12 || optLen === 20 || optLen === 22 || optLen === 24) {
        c.need(p + 4, 8, oe);
        const key = v.getBigUint64(p + 4);
        leaf(t, F.sendKey.name, key.toString(), `Sender's Key: ${key}`, p + 4, 8);
        const facts = keyFacts(d, p + 4, version);
        const recvKey = optLen >= 20 && c.avail(p + 12, oe) >= 8 ? v.getBigUint64(p + 12) : null;
        // Each end keeps the first key it showed: a later one is shown with that key's token and IDSN, and an
        // echoed receiver's key other than the one known is noted (as tshark 4.0 does). "token|idsn|mismatch".
        const shown = String(c.recall(() => {
          if (!flow) return facts ? `${facts.token}|${facts.idsn}|0` : '||0';
          let e = entry();
          if (!e) {
            const conn = newConn(flow.stream);
            conn.subflows.unshift(flow.stream);
            e = { conn, clientMeta: 0, seenOps: [0, 0] };
            state.byTcp.set(flow.stream, e);
          }
          const s = senderMeta(e);
          if (facts && e.conn.metas[s].key === null) e.conn.metas[s] = { key, token: facts.token, base: facts.idsn };
          let mismatch = 0;
          if (recvKey !== null) {
            const peer = e.conn.metas[1 - s];
            const r = peer.key === null ? keyFacts(d, p + 12, version) : null;
            if (r) e.conn.metas[1 - s] = { key: recvKey, token: r.token, base: r.idsn };
            else if (peer.key !== null && peer.key !== recvKey) mismatch = 1;
          }
          const m = e.conn.metas[s];
          return facts && m.base !== null ? `${m.token}|${m.base}|${mismatch}` : `||${mismatch}`;
        })).split('|');
        let last: Field | null = null;
        if (shown[0]) {
          generated(t, F.token.name, Number(shown[0]), `Subflow token generated from key: ${shown[0]}`, p + 12, 0);
          last = generated(t, F.idsn.name, shown[1], `Subflow expected IDSN: ${shown[1]} (64bits version)`, p + 12, 0);
        }
        // The note goes on the last item added before the receiver's key is (the IDSN).
        if (shown[2] === '1') {
          expert(c, (last ?? it).children, p + 12, 'warning', 'protocol', 'The echoed key in the ACK of the MPTCP handshake does not match the key of the SYN/ACK', ECHOED_KEY);
        }
        if (optLen >= 20) {
          c.need(p + 12, 8, oe);
          const rk = v.getBigUint64(p + 12);
          leaf(t, F.recvKey.name, rk.toString(), `Receiver's Key: ${rk}`, p + 12, 8);
        }
      } else if (optLen >= 20) {
        c.need(p + 12, 8, oe);
        const rk = v.getBigUint64(p + 12);
        leaf(t, F.recvKey.name, rk.toString(), `Receiver's Key: ${rk}`, p + 12, 8);
      }
      if (optLen === 22 || optLen === 24) {
        c.need(p + 20, 2, oe);
        const n = v.getUint16(p + 20);
        leaf(t, F.dataLen.name, n, `Data-level Length: ${n}`, p + 20, 2);
      }
      if (optLen === 24) {
        c.need(p + 22, 2, oe);
        const s = v.getUint16(p + 22);
        leaf(t, F.checksum.name, hex(s, 4), `Checksum: ${hex(s, 4)}`, p + 22, 2);
      }
      break;
    }
    case 1: {
      // MP_JOIN: SYN (12 bytes), SYN-ACK (16) or the third ACK (24), told apart by the length.
      if (optLen === 12 || optLen === 16) {
        const fi = leaf(t, F.flags.name, hex(b2, 2), `Multipath TCP flags: ${hex(b2, 2)}`, p + 2, 1);
        leaf(fi.children, 'tcp.options.mptcp.backup.flag', b2 & 1, bitsDisplay(b2, 0x01, 8, 'Backup flag', String(b2 & 1)), p + 2, 1);
        c.need(p + 3, 1, oe);
        leaf(t, F.addrId.name, d[p + 3], `Address ID: ${d[p + 3]}`, p + 3, 1);
      }
      if (optLen === 12) {
        c.need(p + 4, 8, oe);
        const token = v.getUint32(p + 4), rand = v.getUint32(p + 8);
        leaf(t, F.recvTok.name, token, `Receiver's Token: ${token}`, p + 4, 4);
        c.recall(() => {
          if (!flow) return 0;
          // The token names the receiver's end of a connection seen before; otherwise a new connection.
          let found: { conn: Conn; k: 0 | 1 } | null = null;
          for (const conn of state.conns) {
            const k = conn.metas.findIndex((m) => m.token === token);
            if (k >= 0) { found = { conn, k: k as 0 | 1 }; break; }
          }
          if (!found) {
            const conn = newConn(-1);
            conn.metas[1].token = token;
            found = { conn, k: 1 };
          }
          const clientMeta = ((1 - found.k) ^ flow.direction) as 0 | 1;
          if (!found.conn.subflows.includes(flow.stream)) found.conn.subflows.unshift(flow.stream);
          state.byTcp.set(flow.stream, { conn: found.conn, clientMeta, seenOps: [0, 0] });
          return 0;
        });
        leaf(t, F.sendRand.name, rand, `Sender's Random Number: ${rand}`, p + 8, 4);
      } else if (optLen === 16) {
        c.need(p + 4, 12, oe);
        const mac = v.getBigUint64(p + 4), rand = v.getUint32(p + 12);
        leaf(t, F.sendTruncHmac.name, mac.toString(), `Sender's Truncated HMAC: ${mac}`, p + 4, 8);
        leaf(t, F.sendRand.name, rand, `Sender's Random Number: ${rand}`, p + 12, 4);
      } else if (optLen === 24) {
        reserved12();
        c.need(p + 4, 20, oe);
        const mac = bytesHex(d, p + 4, 20);
        leaf(t, F.sendHmac.name, mac, `Sender's HMAC: ${mac}`, p + 4, 20);
      }
      c.recall(noteOperation);
      break;
    }
    case 2: {
      c.need(p + 3, 1, oe);
      const fl = d[p + 3];
      flagsItem(p + 3, fl, DSS_BITS, 8, 0xff);
      let q = p + 4;
      // The bases the relative numbers count from: the receiver's IDSN for the Data ACK, the sender's for the DSN.
      const bases = String(c.recall(() => {
        const e = connOf();
        if (!e) return '|';
        const s = senderMeta(e);
        return `${e.conn.metas[1 - s].base ?? ''}|${e.conn.metas[s].base ?? ''}`;
      })).split('|');
      const ackBase = bases[0] ? BigInt(bases[0]) : null, dsnBase = bases[1] ? BigInt(bases[1]) : null;
      if (fl & 0x01) {
        const long = (fl & 0x02) !== 0;
        c.need(q, long ? 8 : 4, oe);
        const raw = long ? v.getBigUint64(q) : BigInt(v.getUint32(q));
        leaf(t, F.rawAck.name, raw.toString(), `Original MPTCP Data ACK: ${raw}${long ? ' (64bits)' : ''}`, q, long ? 8 : 4);
        if (ackBase !== null) {
          // A 4-byte Data ACK takes the upper half of the base's 64 bits.
          const full = long ? raw : (ackBase & ~LOW32) | raw;
          const rel = (((full - ackBase) % MOD64) + MOD64) % MOD64;
          generated(t, F.ack.name, rel.toString(), `Multipath TCP Data ACK: ${rel} (Relative)`, p, 0);
        }
        q += long ? 8 : 4;
      }
      if (fl & 0x04) {
        const long = (fl & 0x08) !== 0;
        c.need(q, long ? 8 : 4, oe);
        const raw = long ? v.getBigUint64(q) : BigInt(v.getUint32(q));
        leaf(t, F.rawDsn.name, raw.toString(), `Data Sequence Number: ${raw}  (${long ? 64 : 32}bits version)`, q, long ? 8 : 4);
        q += long ? 8 : 4;
        c.need(q, 4, oe);
        const ssn = v.getUint32(q);
        leaf(t, F.ssn.name, ssn, `Subflow Sequence Number: ${ssn}`, q, 4);
        c.need(q + 4, 2, oe);
        const n = v.getUint16(q + 4);
        leaf(t, F.dataLen.name, n, `Data-level Length: ${n}`, q + 4, 2);
        if (dsnBase !== null) {
          // tshark 4.0 widens the DSN by the "Data ACK is 8 octets" flag, not the DSN's own: without it the
          // base's upper 32 bits are OR-ed in, whatever the DSN's size (measured against tshark).
          const full = fl & 0x02 ? raw : (dsnBase & ~LOW32) | raw;
          const rel = (((full - dsnBase) % MOD64) + MOD64) % MOD64;
          generated(t, F.dssDsn.name, rel.toString(), `DSS Data Sequence Number: ${rel} (Relative)`, p, 0);
        }
      }
      break;
    }
    case 3: {
      leaf(t, F.echo.name, b2 & 1, bitsDisplay(b2, 0x01, 8, 'Echo', String(b2 & 1)), p + 2, 1);
      c.need(p + 3, 1, oe);
      leaf(t, F.addrId.name, d[p + 3], `Address ID: ${d[p + 3]}`, p + 3, 1);
      // The address family, a port and the HMAC are told by the length alone.
      let q = p + 4;
      if (optLen === 8 || optLen === 10 || optLen === 16 || optLen === 18) {
        c.need(q, 4, oe);
        const a = ipv4(d, q);
        leaf(t, F.ipv4.name, a, `Advertised IPv4 Address: ${a}`, q, 4);
        q += 4;
      } else if (optLen === 20 || optLen === 22 || optLen === 28 || optLen === 30) {
        c.need(q, 16, oe);
        const a = ipv6(d, q);
        leaf(t, F.ipv6.name, a, `Advertised IPv6 Address: ${a}`, q, 16);
        q += 16;
      }
      if (optLen === 10 || optLen === 18 || optLen === 22 || optLen === 30) {
        c.need(q, 2, oe);
        const port = v.getUint16(q);
        leaf(t, F.port.name, port, `Advertised port: ${port}`, q, 2);
        q += 2;
      }
      if (optLen === 16 || optLen === 18 || optLen === 28 || optLen === 30) {
        c.need(q, 8, oe);
        const mac = v.getBigUint64(q);
        leaf(t, F.addAddrHmac.name, mac.toString(), `Truncated HMAC: ${mac}`, q, 8);
      }
      c.recall(noteOperation);
      break;
    }
    case 4: {
      const n = optLen - 3;
      generated(t, F.rmCount.name, n, `Number of removed addresses: ${n}`, p + 2, 1);
      for (let q = p + 3; q < oe; q++) {
        c.need(q, 1, oe);
        leaf(t, F.addrId.name, d[q], `Address ID: ${d[q]}`, q, 1);
      }
      c.recall(noteOperation);
      break;
    }
    case 5: {
      const fi = leaf(t, F.flags.name, hex(b2, 2), `Multipath TCP flags: ${hex(b2, 2)}`, p + 2, 1);
      leaf(fi.children, 'tcp.options.mptcp.backup.flag', b2 & 1, bitsDisplay(b2, 0x01, 8, 'Backup flag', String(b2 & 1)), p + 2, 1);
      if (optLen === 4) {
        c.need(p + 3, 1, oe);
        leaf(t, F.addrId.name, d[p + 3], `Address ID: ${d[p + 3]}`, p + 3, 1);
      }
      c.recall(noteOperation);
      break;
    }
    case 6:
    case 7: {
      // MP_FAIL's data sequence number, MP_FASTCLOSE's receiver's key: 8 bytes after 12 reserved bits.
      reserved12();
      c.need(p + 4, 8, oe);
      const n = v.getBigUint64(p + 4);
      if (sub === 6) leaf(t, F.rawDsn.name, n.toString(), `Data Sequence Number: ${n}`, p + 4, 8);
      else leaf(t, F.recvKey.name, n.toString(), `Receiver's Key: ${n}`, p + 4, 8);
      c.recall(noteOperation);
      break;
    }
    case 8: {
      const low = b2 & 0x0f;
      const set = RST_BITS.filter(([, , m]) => low & m).map(([, label]) => label);
      const fi = leaf(t, F.flags.name, hex(b2, 2), `Multipath TCP flags: ${hex(b2, 2)}${set.map((s) => ', ' + s).join('')}`, p + 2, 1);
      for (const [name, label, m] of RST_BITS) {
        leaf(fi.children, name, low & m ? 1 : 0, bitsDisplay(low, m, 4, label, low & m ? 'Set' : 'Not set'), p + 2, 1);
      }
      c.need(p + 3, 1, oe);
      const r = d[p + 3];
      leaf(t, F.rstReason.name, hex(r, 2), `TCPRST Reason: ${RST_REASONS[r] ?? 'Unknown'} (${hex(r, 2)})`, p + 3, 1);
      c.recall(noteOperation);
      break;
    }
    default:
      c.recall(noteOperation);
  }
  // Restored on return only: an exception names the protocol being dissected (MPTCP), as Wireshark's current_proto.
  c.current = saved;
}

/**
 * The [MPTCP analysis] subtree of a segment that carried an MPTCP option, once its TCP stream belongs to
 * an MPTCP connection: whether this subflow is the master, the connection's number and its subflows.
 */
export function mptcpAnalysisTree(c: Ctx, tree: Field[], off: number, flow: MptcpFlow | null): void {
  const facts = c.recall(() => {
    const e = flow ? dissectState(c.session).mptcp.byTcp.get(flow.stream) : undefined;
    if (!e || !flow) return '';
    const conn = e.conn;
    return [conn.stream, conn.master, conn.master === flow.stream ? 1 : 0, conn.subflows.map((s) => `${s} `).join('')].join('|');
  });
  if (!facts) return;
  const [stream, master, isMaster, subflows] = String(facts).split('|');
  const top = generated(tree, F.analysis.name, 1, 'MPTCP analysis', off, 0);
  const t = top.children;
  const m = Number(master);
  generated(t, F.master.name, m >= 0 ? Number(isMaster) : 0, m >= 0 ? `Master flow: Master is tcp stream ${m}` : 'Master flow: False', off, 0);
  generated(t, F.stream.name, Number(stream), `Stream index: ${stream}`, off, 0);
  generated(t, F.subflows.name, subflows, `TCP subflow stream id(s): ${subflows}`, off, 0);
}
