// Entry point of the dissectors: raw frame → protocol layers, Info column, expert items.
import type { ExpertItem, Layer, RawFrame, TcpAnalysis, TcpSegment } from '../types';
import type { Session } from '../session';

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
}

/** Dissects one frame. Never throws: malformed input is flagged and decoding goes on. */
export function dissectFrame(raw: RawFrame, frameNumber: number, session: Session): DissectResult {
  void raw; void frameNumber; void session;
  throw new Error('dissectFrame: not implemented yet');
}
