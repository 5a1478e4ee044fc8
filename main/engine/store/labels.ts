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
 * One word of the Info column's flag list as tshark writes it: the flag names (ECE, CWR, AE; NS in older
 * versions), "ACE=n" on an Accurate ECN connection (its three ECN bits are one counter) and "Reserved" for
 * the reserved bits.
 */
const FLAG_WORD = '(?:FIN|SYN|RST|PSH|ACK|URG|ECE|CWR|AE|NS|ACE=\\d|Reserved)';

/**
 * The flag list of a TCP segment's Info column (or of a ladder label), before " Seq=": "[SYN, ACK]",
 * "[ACK, ACE=1]", "[, ACE=0]" (no other flag on an Accurate ECN connection: tshark 4.0 leaves the comma),
 * "[<None>]" (no flag at all). Group 1 is the list between the brackets.
 */
export const INFO_FLAG_LIST = new RegExp(`\\[((?:${FLAG_WORD}|<None>)?(?:, ${FLAG_WORD})*)\\] Seq=`);

/** The flag list as the text writes it ("SYN, ACK", ", ACE=0", "<None>"), so a label can repeat it; undefined without one. */
export function infoFlagText(text: string): string | undefined {
  const m = INFO_FLAG_LIST.exec(text);
  return m ? m[1] : undefined;
}

/**
 * The flag words of the text's flag list: "[FIN, ACK, ACE=1]" → ["FIN", "ACK", "ACE=1"], "[, ACE=0]" → ["ACE=0"];
 * none for "[<None>]" or a text without a flag list.
 */
export function infoFlagWords(text: string): string[] {
  const list = infoFlagText(text);
  return list === undefined ? [] : list.split(', ').filter((w) => w !== '' && w !== '<None>');
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
