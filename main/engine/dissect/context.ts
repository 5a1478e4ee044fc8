// Per-frame dissection state, in the Wireshark model: a protocol tree being built, the columns,
// expert items, and "tvb" bounds. A read past the captured bytes throws SHORT (Wireshark's
// BoundsError, "Packet size limited during capture"); past the length the protocol itself reports
// it throws MALFORMED (ReportedBoundsError, "Malformed Packet"). Both are preallocated and caught in
// index.ts, so a truncated frame costs no allocation and the tree built so far is kept, as Wireshark does.
import type {
  ExpertGroup, ExpertItem, ExpertSeverity, Field, Layer, OsiLayer, RawFrame, TcpAnalysis, TcpIpLayer, TcpSegment,
} from '../types';
import type { Session } from '../session';
import type { StreamOnly } from '../tcp/tracker';
import { bytesHex } from '../fields/format';
import { collectLate, treeless } from '../fields/tree';
import { Tape, type TapeValue } from '../tape';

/** A buffer other than the frame's bytes that dissection continues in (Wireshark's data source). */
export interface Source {
  /** Wireshark's name for it, e.g. "Reassembled IPv4 (3008 bytes)". */
  name: string;
  data: Uint8Array;
}

export class BoundsSignal extends Error {
  constructor(readonly malformed: boolean) {
    super(malformed ? 'Malformed Packet' : 'Packet size limited during capture');
  }
}
/**
 * Wireshark's ReassemblyError: a fragment added to a reassembly that is finished ("New fragment overlaps
 * old data (retransmission?)"). Caught where the frame is dissected, like any exception there.
 */
export class ReassemblySignal extends Error {
  constructor(readonly protocol: string, message: string) {
    super(message);
  }
}
/** Thrown when a dissector needs bytes that were not captured (but the packet says they exist). */
export const SHORT = new BoundsSignal(false);
/** Thrown when a dissector needs bytes beyond what the packet itself says it holds. */
export const MALFORMED = new BoundsSignal(true);

/**
 * One protocol's subtree: a top-level Layer, or, for headers quoted inside an ICMP error, an item
 * among the ICMP layer's fields (DECISIONS: quoted headers are children of the ICMP layer's items).
 */
export class Head {
  constructor(readonly layer: Layer | null, readonly item: Field | null, readonly fields: Field[]) {}
  // A getter with the setter: dissectors extend titles with `+=` (TCP adds Seq, Ack, Len).
  get title(): string {
    return (this.layer ? this.layer.title : this.item?.display) ?? '';
  }
  set title(t: string) {
    if (this.layer) this.layer.title = t;
    else if (this.item) this.item.display = t;
  }
  get length(): number {
    return (this.layer ? this.layer.length : this.item?.length) ?? 0;
  }
  set length(n: number) {
    if (this.layer) this.layer.length = n;
    else if (this.item) this.item.length = n;
  }
}

/** The state of one frame's dissection. */
export class Ctx {
  /** The bytes being dissected (the frame's, or a reassembled buffer's while inSource runs), a view on them, and how many are present. */
  d: Uint8Array;
  v: DataView;
  cap: number;
  /** 0 while dissecting the frame's own bytes, else the 1-based number of the source in `sources`. */
  source = 0;
  /** Reassembled buffers this frame's items point into. */
  readonly sources: Source[] = [];
  /** Cross-frame facts: recorded (first pass, when the session keeps tapes) or replayed (stored frame). */
  readonly tape: Tape | null;
  private readonly replaying: boolean;
  readonly layers: Layer[] = [];
  readonly expert: ExpertItem[] = [];
  malformed = false;
  /** frame.protocols, in order. */
  readonly protos: string[] = [];
  info = '';
  protocol = '';
  src = '';
  dst = '';
  /** False while dissecting a packet quoted inside an ICMP error: columns belong to the outer packet. */
  colWritable = true;
  /** Where quoted protocols go (the ICMP layer's fields), or null for top-level layers. */
  quoteInto: Field[] | null = null;
  /** Wireshark's pinfo->current_proto: named in "[Packet size limited during capture: TCP truncated]". */
  current = '';
  curOsi: OsiLayer = 1;
  curTcpip: TcpIpLayer = 1;
  tcp: { segment: TcpSegment; analysis: TcpAnalysis } | null = null;
  /** tcp.stream of the frame's top-level TCP header, analysed or not. */
  tcpStream: number | null = null;
  /** The top-level TCP header was dissected to its end (see DissectResult.tapped). */
  tcpTapped = false;
  /** What the tracker gave a top-level TCP segment it did not analyse (bad header lengths). */
  tcpOnly: StreamOnly | null = null;
  /** Network-layer addresses of the innermost IP header so far (for TCP/UDP pseudo-state and columns). */
  netSrc = '';
  netDst = '';
  /** IP payload's protocol pseudo-header data for checksums: 4 (IPv4), 6 (IPv6) or 0. */
  netVersion = 0;
  netSrcOff = 0;
  netDstOff = 0;
  /** TCP may gather more segments for the protocol being dissected (Wireshark's pinfo->can_desegment). */
  canDesegment = false;
  /** The data being dissected ends with the sender's FIN: nothing more will come. */
  endOfStream = false;
  /** The TCP layer's items of the segment being dissected (tcp_dissect_pdus adds "[PDU Size: n]" there). */
  tcpTree: Field[] | null = null;
  /** TCP's analysis calls the segment being dissected a keep-alive (its payload then goes to "data" alone). */
  tcpKeepAlive = false;
  /**
   * TCP's analysis calls the segment out of order: it is desegmented like any other (it may join, even complete,
   * a PDU), but its data is handed to no protocol (tshark's tcp.no_subdissector_on_error).
   */
  tcpOutOfOrder = false;
  /** Ports of the innermost UDP/TCP header so far (Wireshark's pinfo->srcport / destport). */
  srcPort = 0;
  dstPort = 0;
  /** IPv4 TTL / IPv6 hop limit of the packet, as ICMP echo Info shows it. */
  ttl = 0;
  /** Absolute end of the PDU the last network-layer dissector found (Wireshark's set_actual_length), or -1. */
  actualEnd = -1;
  /** True once a fragment (not reassembled) was seen: payload bounds errors then mean "unreassembled". */
  fragmented = false;

  /** Only field values are collected (decode --fields): titles and columns are not made. */
  readonly lean = treeless();

  constructor(readonly raw: RawFrame, readonly number: number, readonly session: Session) {
    this.d = raw.data;
    this.v = new DataView(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
    this.cap = raw.data.length;
    const replay = session.replay;
    this.replaying = replay !== null;
    this.tape = replay ? replay.tape : session.recording ? new Tape() : null;
  }

  /**
   * A fact this frame learns from earlier frames: computed from the session's state on the first
   * pass (and recorded when tapes are kept), read back off the tape when a stored frame is re-dissected.
   */
  recall<T extends TapeValue>(compute: () => T): T {
    if (this.replaying) return this.tape!.next() as T;
    const v = compute();
    this.tape?.record(v);
    return v;
  }

  /** True while a stored frame is re-dissected (state kept for later frames must not be touched). */
  get replay(): boolean {
    return this.replaying;
  }

  /**
   * Runs `fn` over a reassembled buffer (a new data source): offsets inside are into `data`, and
   * layers opened meanwhile say so. Returns the source's number; the frame's bytes are current again after.
   */
  inSource(name: string, data: Uint8Array, fn: () => void): number {
    this.sources.push({ name, data });
    const n = this.sources.length;
    const saved = { d: this.d, v: this.v, cap: this.cap, source: this.source };
    this.d = data;
    this.v = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.cap = data.length;
    this.source = n;
    this.hexAt = -1;
    try {
      fn();
    } finally {
      this.d = saved.d;
      this.v = saved.v;
      this.cap = saved.cap;
      this.source = saved.source;
      this.hexAt = -1;
    }
    return n;
  }

  /**
   * Opens a protocol subtree (a layer, or an item under the ICMP error that quotes it). `named` false:
   * a further PDU of the same dissector call (frame.protocols names the protocol once).
   */
  open(protocol: string, short: string, title: string, osi: OsiLayer, tcpip: TcpIpLayer, offset: number, length: number, named = true): Head {
    this.curOsi = osi;
    this.curTcpip = tcpip;
    if (this.quoteInto) return this.openIn(this.quoteInto, protocol, short, title, offset, length);
    if (named) this.protos.push(protocol);
    this.current = short;
    const fields: Field[] = [];
    const layer: Layer = { protocol, title, osi, tcpip, offset, length, fields };
    if (this.source) layer.source = this.source;
    this.layers.push(layer);
    return new Head(layer, null, fields);
  }

  /** Enters a protocol that has no subtree (yet): it counts in frame.protocols and names a bounds exception. */
  enter(protocol: string, short: string, osi: OsiLayer, tcpip: TcpIpLayer): void {
    this.protos.push(protocol);
    this.current = short;
    this.curOsi = osi;
    this.curTcpip = tcpip;
  }

  /**
   * Opens a protocol subtree whose first `need` bytes Wireshark reads (or adds as the item) before the
   * tree gets the protocol: when they were not captured, the tree shows only the exception's item.
   */
  openAfter(need: number, end: number, protocol: string, short: string, title: string, osi: OsiLayer, tcpip: TcpIpLayer, offset: number, length: number): Head {
    if (this.avail(offset, end) < need) {
      this.enter(protocol, short, osi, tcpip);
      this.need(offset, need, end);
    }
    return this.open(protocol, short, title, osi, tcpip, offset, length);
  }

  /**
   * Opens a protocol subtree as an item among `under` (a protocol Wireshark shows inside another's
   * subtree: an IPv6 extension header, a packet quoted in an ICMP error, an ICMP echo's data).
   */
  openIn(under: Field[], protocol: string, short: string, title: string, offset: number, length: number): Head {
    this.protos.push(protocol);
    this.current = short;
    const fields: Field[] = [];
    const item: Field = { name: protocol, value: null, display: title, offset, length, children: fields };
    under.push(item);
    // The protocol's own item (its fields follow it, as in the tree) when only values are collected.
    if (this.lean) collectLate(protocol, null);
    return new Head(null, item, fields);
  }

  private hexAt = -1;
  private hexLen = 0;
  private hexText = '';

  /** [off, off+n) in hex; the last range is kept, as TCP's payload item and the data under it show the same bytes. */
  hex(off: number, n: number): string {
    if (off !== this.hexAt || n !== this.hexLen) {
      this.hexText = bytesHex(this.d, off, n);
      this.hexAt = off;
      this.hexLen = n;
    }
    return this.hexText;
  }

  /** Ensures [off, off+n) is readable within a protocol whose reported data ends at `end`; throws otherwise. */
  need(off: number, n: number, end: number): void {
    const stop = off + n;
    if (stop <= this.cap && stop <= end) return;
    throw stop > end ? MALFORMED : SHORT;
  }

  /** Bad data a dissector cannot go on with: Wireshark's ReportedBoundsError ("Malformed Packet"). */
  fail(): never {
    throw MALFORMED;
  }

  /** Where the captured bytes of a protocol whose reported data ends at `end` end (a cut frame: before it). */
  capturedEnd(end: number): number {
    return end < this.cap ? end : this.cap;
  }

  /** Bytes available (captured) of a protocol whose reported data ends at `end`, from `off`. */
  avail(off: number, end: number): number {
    const e = this.capturedEnd(end);
    return e > off ? e - off : 0;
  }

  addExpert(severity: ExpertSeverity, group: ExpertGroup, message: string, field: string): void {
    this.expert.push({ severity, group, message, field });
    // Any error-level item means the frame is not what a sane stack sends (bad lengths, versions, bounds).
    if (severity === 'error') this.malformed = true;
  }

  /** Wireshark's column fence: setInfo() keeps the Info text before it (the first of several PDUs in a segment). */
  private infoFence = 0;
  /** False once a second PDU of a segment is dissected: the Protocol column keeps the first one's. */
  private protocolWritable = true;

  setProtocol(p: string): void {
    if (this.colWritable && this.protocolWritable) this.protocol = p;
  }

  setInfo(s: string): void {
    if (this.colWritable && !this.lean) this.info = this.infoFence ? this.info.slice(0, this.infoFence) + s : s;
  }

  appendInfo(s: string): void {
    if (this.colWritable && !this.lean) this.info += s;
  }

  /** col_append_sep_str: `sep` first unless the column is empty. */
  appendInfoSep(sep: string, s: string): void {
    if (this.colWritable && !this.lean) this.info += this.info ? sep + s : s;
  }

  /**
   * col_prepend_fence_fstr on Info (how TCP shows its analysis, "[TCP Previous segment not captured] "):
   * the text goes before the rest and the fence after it, so a protocol that sets Info later keeps it.
   */
  prependInfoFence(s: string): void {
    if (!this.colWritable) return;
    this.info = s + this.info;
    this.infoFence += s.length;
  }

  /** col_set_fence on Info; the Protocol column is frozen too (what desegment_tcp does between PDUs). */
  fenceInfo(freezeProtocol = false): void {
    if (!this.colWritable) return;
    this.infoFence = this.info.length;
    if (freezeProtocol) this.protocolWritable = false;
  }

  setAddresses(src: string, dst: string): void {
    if (this.colWritable) {
      this.src = src;
      this.dst = dst;
    }
  }
}
