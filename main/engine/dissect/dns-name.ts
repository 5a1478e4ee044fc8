// DNS names as Wireshark 4.0's get_dns_name reads them: labels, compression pointers (relative to the
// message's start), the RFC 2673 bit-string label, and the special names it shows for what it cannot
// read ("<Root>", "<Name contains a pointer that loops>", "<Unknown extended label>", "<Name too long>").
// A pointer loop ends after 255 pointers, so a malformed name never hangs; a read past the message
// throws as any read past the data does (Malformed Packet).
import type { Ctx } from './context';
import { fieldText, formatText } from '../fields/format';

/** Longest name Wireshark keeps (MAX_DNAME_LEN), and the limit on pointers followed in one name. */
const MAX_NAME = 255;

export interface DnsName {
  /** The name as shown (format_text of its bytes), or one of Wireshark's special names. */
  text: string;
  /**
   * The name as packet-dns.c prints it raw ("%s" of its C string) into Info for some record types: its bytes
   * up to the first NUL, unformatted (read as UTF-8, as tshark's output is read), control bytes as they are
   * but for \b \t \n \f \r, which tshark -T fields escapes (fieldText).
   */
  raw: string;
  /** Length of the name's bytes (before formatting), as dns.qry.name.len counts it. */
  len: number;
  /** Bytes the name takes at its position (a pointer ends it: 2 bytes for the pointer). */
  used: number;
  /** Labels, as Wireshark counts them (dots + 1; 0 for an empty name). */
  labels: number;
}

const LOOP = '<Name contains a pointer that loops>';
const UNKNOWN_LABEL = '<Unknown extended label>';
const TOO_LONG = '<Name too long>';

function special(text: string, used: number): DnsName {
  return { text, raw: text, len: text.length, used, labels: countLabels(text, text.length) };
}

const utf8 = new TextDecoder('utf-8');

/** qname_labels_count: dots + 1 for a name longer than one byte, else 0. */
function countLabels(raw: string, len: number): number {
  if (len <= 1) return 0;
  let n = 1;
  for (let i = 0; i < len; i++) if (raw.charCodeAt(i) === 0x2e) n++;
  return n;
}

/** Reads the name at `off` of a message that starts at `msg` and ends at `end`. */
export function readDnsName(c: Ctx, off: number, msg: number, end: number): DnsName {
  const d = c.d;
  const start = off;
  const buf: number[] = [];
  let nameLen = 0;
  let room = MAX_NAME;
  let used = -1;
  let pointers = 0;
  const byte = (at: number): number => {
    c.need(at, 1, end);
    return d[at];
  };
  for (;;) {
    const comp = byte(off++);
    if (comp === 0) break;
    switch (comp & 0xc0) {
      case 0x00: {
        if (buf.length) {
          if (room > 0) { buf.push(0x2e); nameLen++; room--; }
        } else {
          room--;
        }
        for (let n = comp; n > 0; n--) {
          const b = byte(off++);
          if (room > 0) { buf.push(b); nameLen++; room--; }
        }
        break;
      }
      case 0x40: {
        if ((comp & 0x3f) !== 1) {
          const len = off - start;
          if (len < 2) c.fail();
          return special(UNKNOWN_LABEL, len);
        }
        // A bit-string label: "\[x<hex>/<bits>]", written without adding to the name's length (as Wireshark does).
        const bits = byte(off++);
        let text = '\\[x';
        for (let n = Math.trunc((bits - 1) / 8) + 1; n > 0; n--) text += byte(off++).toString(16).padStart(2, '0');
        text += `/${bits}]`;
        for (const ch of text) {
          if (room <= 0) break;
          buf.push(ch.charCodeAt(0));
          room--;
        }
        break;
      }
      case 0x80:
        c.fail(); // a reserved label type: Wireshark throws (Malformed Packet)
        break;
      default: {
        const target = msg + (((comp & 0x3f) << 8) | byte(off));
        off++;
        pointers++;
        if (used < 0) used = off - start;
        if (target === off + 2 || pointers > MAX_NAME) return special(LOOP, used);
        off = target;
      }
    }
  }
  if (used < 0) used = off - start;
  if (room <= 0) return special(TOO_LONG, used);
  const bytes = Uint8Array.from(buf.slice(0, nameLen));
  // Wireshark tests the name's first byte: a name starting with a NUL label byte, read through a pointer
  // (2 bytes used), is "<Root>" too.
  if ((buf.length === 0 || buf[0] === 0) && used <= 2) return special('<Root>', used);
  // A name that read nothing is bad data (Wireshark throws rather than loop on it).
  if (used < 2 || (used > 2 && nameLen === 0)) c.fail();
  let raw = '';
  for (const b of bytes) raw += String.fromCharCode(b);
  // The C string is the whole buffer (a bit-string label's text is in it, though not in the length), to a NUL.
  const all = Uint8Array.from(buf);
  const nul = all.indexOf(0);
  const cString = fieldText(utf8.decode(nul < 0 ? all : all.subarray(0, nul)));
  return { text: formatText(bytes), raw: cString, len: nameLen, used, labels: countLabels(raw, nameLen) };
}
