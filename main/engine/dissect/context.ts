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

export class BoundsSignal extends Error {
  constructor(readonly malformed: boolean) {
    super(malformed ? 'Malformed Packet' : 'Packet size limited during capture');
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
  readonly d: Uint8Array;
  readonly v: DataView;
  /** Captured length (bytes present). */
  readonly cap: number;
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
  }

  /** Opens a protocol subtree (a layer, or an item under the ICMP error that quotes it). */
  open(protocol: string, short: string, title: string, osi: OsiLayer, tcpip: TcpIpLayer, offset: number, length: number): Head {
    this.curOsi = osi;
    this.curTcpip = tcpip;
    if (this.quoteInto) return this.openIn(this.quoteInto, protocol, short, title, offset, length);
    this.protos.push(protocol);
    this.current = short;
    const fields: Field[] = [];
    const layer: Layer = { protocol, title, osi, tcpip, offset, length, fields };
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

  /** Bytes available (captured) of a protocol whose reported data ends at `end`, from `off`. */
  avail(off: number, end: number): number {
    const e = end < this.cap ? end : this.cap;
    return e > off ? e - off : 0;
  }

  addExpert(severity: ExpertSeverity, group: ExpertGroup, message: string, field: string): void {
    this.expert.push({ severity, group, message, field });
    // Any error-level item means the frame is not what a sane stack sends (bad lengths, versions, bounds).
    if (severity === 'error') this.malformed = true;
  }

  setProtocol(p: string): void {
    if (this.colWritable) this.protocol = p;
  }

  setInfo(s: string): void {
    if (this.colWritable && !this.lean) this.info = s;
  }

  appendInfo(s: string): void {
    if (this.colWritable && !this.lean) this.info += s;
  }

  setAddresses(src: string, dst: string): void {
    if (this.colWritable) {
      this.src = src;
      this.dst = dst;
    }
  }
}
