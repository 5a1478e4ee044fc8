// Entry point of the dissectors: raw frame → protocol layers, Info column, expert items.
// Wireshark's model: the frame dissector calls the link layer's, which calls the next by type,
// and so on; a read past the data ends the dissection with "[Packet size limited during capture]"
// or "[Malformed Packet]" (see context.ts). Nothing escapes: a bug in a dissector flags the frame.
import type { ExpertItem, Field, Layer, RawFrame, TcpAnalysis, TcpSegment } from '../types';
import type { Session } from '../session';
import type { StreamOnly } from '../tcp/tracker';
import { Ctx, BoundsSignal, ReassemblySignal, type Source } from './context';
import type { Tape } from '../tape';
import { dissectFrameLayer, finishProtocols } from './frame';
import { dissectLink } from './link';
import { showException, showReassemblyError } from './exception';

export interface DissectResult {
  layers: Layer[];
  info: string;
  src: string;
  dst: string;
  /** Protocol column (highest protocol, as Wireshark names it: "TCP", "HTTP", "ARP", "ICMPv6"…). */
  protocol: string;
  malformed: boolean;
  expert: ExpertItem[];
  /** The frame's outermost TCP segment (not one quoted inside an ICMP error), with its analysis. */
  tcp: { segment: TcpSegment; analysis: TcpAnalysis } | null;
  /** tcp.stream of the outermost TCP header, also when Wireshark does not analyse it (bad lengths). */
  stream: number | null;
  /** The TCP header was read to its end (options included): what tshark's TCP tap, and so conv,tcp, sees. */
  tapped: boolean;
  /** For a top-level TCP segment that was not analysed: its stream, times and completeness. */
  tcpOnly: StreamOnly | null;
  /** Reassembled buffers the layers point into (Layer.source / Field.source n is sources[n - 1]). */
  sources: Source[];
  /** The cross-frame facts recorded for this frame (when the session keeps tapes), else null. */
  tape: Tape | null;
}

/**
 * The frame store may store plain TCP segments without calling dissectFrame (FrameStore.ingest): what
 * these dissectors would give such a frame is what the store's fast path writes (test/backend/
 * store-fast.test.ts compares them). A stand-in engine in tests says false.
 */
export const storeFastPath: boolean = true;

/** Dissects one frame. Never throws: malformed input is flagged and decoding goes on. */
export function dissectFrame(raw: RawFrame, frameNumber: number, session: Session): DissectResult {
  const c = new Ctx(raw, frameNumber, session);
  let protocols: Field | null = null;
  try {
    protocols = dissectFrameLayer(c);
    try {
      dissectLink(c);
    } catch (e) {
      if (!(e instanceof BoundsSignal) && !(e instanceof ReassemblySignal)) throw e;
      c.colWritable = true;
      c.quoteInto = null;
      if (e instanceof ReassemblySignal) showReassemblyError(c, e.protocol, e.message);
      else showException(c, e);
    }
  } catch (e) {
    dissectorBug(c, e);
  }
  if (protocols) finishProtocols(protocols, c.protos);
  return { layers: c.layers, info: c.info, src: c.src, dst: c.dst, protocol: c.protocol, malformed: c.malformed, expert: c.expert, tcp: c.tcp, stream: c.tcpStream, tapped: c.tcpTapped, tcpOnly: c.tcpOnly, sources: c.sources, tape: c.tape };
}

/** A dissector threw something other than a bounds signal: Wireshark's "Dissector bug" (a malformed frame). */
function dissectorBug(c: Ctx, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  c.colWritable = true;
  c.quoteInto = null;
  const text = `[Dissector bug, protocol ${c.current || 'Frame'}: ${message}]`;
  c.info += text;
  c.layers.push({ protocol: '_ws.malformed', title: text, osi: 7, tcpip: 5, offset: 0, length: 0, fields: [] });
  c.addExpert('error', 'malformed', message, '_ws.malformed.dissector_bug');
  c.malformed = true;
  if (!c.protocol) c.protocol = 'Frame';
}
