// Wireshark-style words for TCP segments: the flag list of the Info column and the ladder's arrow label.
import { TCP_ACK, TCP_URG } from '../types';

/** Flag names in the order Wireshark's Info column lists them (bit 0 = FIN … bit 8 = AE). */
const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];

/** "SYN, ACK" for 0x012; "<None>" when no flag is set, as Wireshark writes it. */
export function flagList(flags: number): string {
  const names: string[] = [];
  for (let b = 0; b < FLAG_NAMES.length; b++) if (flags & (1 << b)) names.push(FLAG_NAMES[b]);
  return names.length ? names.join(', ') : '<None>';
}

/**
 * The ladder's label, e.g. "[SYN, ACK] Seq=0 Ack=1 Win=65483 Len=0": Ack only when the ACK flag is set, and
 * Urg (the urgent pointer) only when URG is, as the Info column writes them.
 */
export function segmentLabel(flags: number, seq: number, ack: number, win: number, len: number, flagText?: string, urgent = 0): string {
  return `[${flagText ?? flagList(flags)}] Seq=${seq}${flags & TCP_ACK ? ` Ack=${ack}` : ''} Win=${win}${flags & TCP_URG ? ` Urg=${urgent}` : ''} Len=${len}`;
}

/** "ip:port", or "[ipv6]:port". */
export function endpointName(addr: string, port: number): string {
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}
