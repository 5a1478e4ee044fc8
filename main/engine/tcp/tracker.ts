// TCP conversations as Wireshark tracks them: tcp.stream numbering, relative sequence numbers,
// window scaling from the handshake, and the tcp.analysis.* flags.
// PLACEHOLDER (to be replaced): streams per 4-tuple, relative numbers from the first seen values, no analysis.
import type { TcpAnalysis, TcpSegment } from '../types';

interface Conv { stream: number; a: string; base: [number, number]; firstTime: number; lastTime: number }

export class TcpTracker {
  private convs = new Map<string, Conv>();
  private next = 0;

  /** Analyzes one segment in capture order. */
  analyze(seg: TcpSegment): TcpAnalysis {
    const a = `${seg.src}:${seg.srcPort}`, b = `${seg.dst}:${seg.dstPort}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let c = this.convs.get(key);
    if (!c) {
      c = { stream: this.next++, a, base: [-1, -1], firstTime: seg.time, lastTime: seg.time };
      this.convs.set(key, c);
    }
    const dir: 0 | 1 = a === c.a ? 0 : 1;
    if (c.base[dir] < 0) c.base[dir] = seg.seq;
    const rel = (v: number, base: number) => (base < 0 ? v : (v - base) >>> 0);
    const seq = rel(seg.seq, c.base[dir]);
    const len = seg.len + (seg.flags & 0x2 ? 1 : 0) + (seg.flags & 0x1 ? 1 : 0);
    const delta = seg.time - c.lastTime;
    c.lastTime = seg.time;
    return {
      stream: c.stream, direction: dir, seq, ack: rel(seg.ack, c.base[1 - dir]), nxtseq: (seq + len) >>> 0,
      windowSize: seg.window, windowScalefactor: -1, flags: [], timeRelative: seg.time - c.firstTime, timeDelta: delta,
      expert: [], infoPrefix: '',
    };
  }
}
