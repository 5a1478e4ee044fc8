// TCP conversations as Wireshark tracks them: tcp.stream numbering, relative sequence numbers,
// window scaling from the handshake, and the tcp.analysis.* flags.
import type { TcpAnalysis, TcpSegment } from '../types';

export class TcpTracker {
  /** Analyzes one segment in capture order. */
  analyze(seg: TcpSegment): TcpAnalysis {
    void seg;
    throw new Error('TcpTracker.analyze: not implemented yet');
  }
}
