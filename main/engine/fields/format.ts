// Formatting values exactly as tshark prints them.
import { UNPRINTABLE_RANGES } from './unprintable';

const HEX = '0123456789abcdef';

/** "0x" + n in lower-case hex, zero-padded to `digits` (tshark's BASE_HEX). */
export function hex(n: number, digits: number): string {
  let s = (n >>> 0).toString(16);
  while (s.length < digits) s = '0' + s;
  return '0x' + s;
}

/** Each byte's two hex digits as one 16-bit word of ASCII codes, first digit first in memory. */
const HEX_PAIRS = new Uint16Array(256);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
for (let b = 0; b < 256; b++) {
  const hi = HEX.charCodeAt(b >> 4), lo = HEX.charCodeAt(b & 15);
  HEX_PAIRS[b] = littleEndian ? hi | (lo << 8) : (hi << 8) | lo;
}
/** Hex digits are ASCII, so one latin1 decode turns the filled buffer into the string at once. */
const ascii = new TextDecoder('latin1');
let hexBuf = new Uint16Array(2048);

/** Bytes as lower-case hex without separators (tshark -T fields for FT_BYTES / FT_NONE). */
export function bytesHex(data: Uint8Array, offset: number, length: number): string {
  const end = Math.min(data.length, offset + length);
  const n = end - offset;
  if (n <= 0) return '';
  if (n < 24) {
    // Short strings (MACs, cookies): concatenation beats the decoder's call cost.
    let s = '';
    for (let i = offset; i < end; i++) {
      const b = data[i];
      s += HEX[b >> 4] + HEX[b & 15];
    }
    return s;
  }
  // Payloads run to kilobytes on every data frame: one table lookup per byte, one decode.
  if (hexBuf.length < n) hexBuf = new Uint16Array(n * 2);
  for (let i = 0; i < n; i++) hexBuf[i] = HEX_PAIRS[data[offset + i]];
  return ascii.decode(new Uint8Array(hexBuf.buffer, 0, n * 2));
}

/** Bytes as colon-separated hex ("00:1b:21:…"), as Wireshark shows MAC addresses and byte strings. */
export function bytesColon(data: Uint8Array, offset: number, length: number): string {
  let s = '';
  const end = Math.min(data.length, offset + length);
  for (let i = offset; i < end; i++) {
    const b = data[i];
    if (i > offset) s += ':';
    s += HEX[b >> 4] + HEX[b & 15];
  }
  return s;
}

export function mac(data: Uint8Array, offset: number): string {
  return bytesColon(data, offset, 6);
}

export function ipv4(data: Uint8Array, offset: number): string {
  return `${data[offset]}.${data[offset + 1]}.${data[offset + 2]}.${data[offset + 3]}`;
}

/** IPv4 address from a 32-bit number. */
export function ipv4FromNumber(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * IPv6 address in RFC 5952 form, as Wireshark's ws_inet_ntop6 prints it: lower-case, the longest
 * run (first if tied) of two or more zero groups compressed to "::", and IPv4-mapped / compatible
 * addresses with a dotted tail.
 */
export function ipv6(data: Uint8Array, offset: number): string {
  const g: number[] = new Array(8);
  for (let i = 0; i < 8; i++) g[i] = (data[offset + 2 * i] << 8) | data[offset + 2 * i + 1];
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d, not :: or ::1) get a dotted tail.
  const dottedTail = bestStart === 0 && ((bestLen === 5 && g[5] === 0xffff) || (bestLen === 6 && (g[6] !== 0 || g[7] > 1)) || (bestLen === 4 && g[4] === 0xffff && g[5] === 0));
  if (dottedTail && bestLen === 5) return '::ffff:' + ipv4(data, offset + 12);
  if (dottedTail && bestLen === 6) return '::' + ipv4(data, offset + 12);
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    s += g[i].toString(16);
    if (i < 7) s += ':';
  }
  return s;
}

/** Seconds + nanoseconds as tshark's frame.time_epoch: exact, 9 fraction digits. */
export function epochString(sec: number, nsec: number): string {
  let f = String(nsec);
  while (f.length < 9) f = '0' + f;
  return `${sec}.${f}`;
}

/** Longest item label Wireshark 4.0 keeps (ITEM_LABEL_LENGTH 240 with its terminating NUL), in UTF-8 bytes. */
const LABEL_MAX = 239;
const utf8 = new TextEncoder();
const utf8Text = new TextDecoder('utf-8');

/** An item's label as tshark prints it: cut to 239 UTF-8 bytes (a byte sequence cut mid-character is dropped). */
export function clipLabel(s: string): string {
  if (s.length <= LABEL_MAX / 3) return s;
  const b = utf8.encode(s);
  if (b.length <= LABEL_MAX) return s;
  let end = LABEL_MAX;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--;
  return utf8Text.decode(b.subarray(0, end));
}

const ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };

/**
 * g_unichar_isprint as tshark's GLib answers it (UNPRINTABLE_RANGES, asked of tshark itself): JavaScript's
 * \p{Cn} follows the runtime's Unicode, newer than GLib's, where characters assigned since are unprintable.
 */
export function isPrintable(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f; // an overlong form of an ASCII character
  let lo = 0, hi = UNPRINTABLE_RANGES.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < UNPRINTABLE_RANGES[2 * mid]) hi = mid - 1;
    else if (cp > UNPRINTABLE_RANGES[2 * mid + 1]) lo = mid + 1;
    else return false;
  }
  return true;
}

/**
 * One UTF-8 sequence as format_text (Wireshark 4.0) reads it, from its lead byte at `i`: the lead gives the
 * length (up to 6 bytes, as in the original UTF-8), continuation bytes are taken without checking for
 * overlong forms (C0 AF is "/"), and the sequence ends early at a byte that is not a continuation (left for
 * what follows) or at the end. A bad lead, a cut sequence, a surrogate and a value past U+10FFFF are one
 * U+FFFD. Returns the code point and the bytes used.
 */
function utf8Sequence(d: Uint8Array, i: number, end: number): [number, number] {
  const lead = d[i];
  const more = lead >= 0xfe || lead < 0xc0 ? -1 : lead >= 0xfc ? 5 : lead >= 0xf8 ? 4 : lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
  if (more < 0) return [0xfffd, 1];
  let cp = lead & (0x3f >> more), used = 1;
  for (let k = 0; k < more; k++, used++) {
    if (i + used >= end || (d[i + used] & 0xc0) !== 0x80) return [0xfffd, used];
    cp = cp * 64 + (d[i + used] & 0x3f);
  }
  return [(cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ? 0xfffd : cp, used];
}

/**
 * Bytes as Wireshark's format_text shows them: printable ASCII as is, \a \b \t \n \v \f \r, other control
 * bytes in octal (\033), printable characters beyond ASCII as they are, unprintable ones as \uXXXX (or
 * \UXXXXXXXX), and what is not UTF-8 as U+FFFD (see utf8Sequence: an overlong form decodes, so C0 8A is
 * "\u000A" where the byte 0A alone is "\n").
 */
export function formatText(d: Uint8Array, off = 0, end = d.length): string {
  let s = '';
  for (let i = off; i < end;) {
    const b = d[i];
    if (b < 0x80) {
      s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ESCAPES[b] ?? '\\' + b.toString(8).padStart(3, '0');
      i++;
      continue;
    }
    const [cp, used] = utf8Sequence(d, i, end);
    i += used;
    if (cp === 0xfffd || isPrintable(cp)) s += String.fromCodePoint(cp);
    else s += cp > 0xffff ? '\\U' + cp.toString(16).toUpperCase().padStart(8, '0') : '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
  }
  return s;
}

/** Seconds as Wireshark's unsigned_time_secs_to_str: "1 hour, 1 minute, 1 second", "0 seconds". */
export function durationText(secs: number): string {
  if (secs === 0) return '0 seconds';
  const parts: string[] = [];
  const add = (n: number, unit: string) => {
    if (n) parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  };
  add(Math.floor(secs / 86400), 'day');
  add(Math.floor((secs % 86400) / 3600), 'hour');
  add(Math.floor((secs % 3600) / 60), 'minute');
  add(secs % 60, 'second');
  return parts.join(', ');
}

/** What Wireshark 4.0 keeps of a label it marks as truncated (label_mark_truncated cuts before byte 238). */
const TRUNCATED_MAX = 238;

function cutUtf8(s: string, max: number): string {
  const b = utf8.encode(s);
  if (b.length <= max) return s;
  let end = max;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--;
  return utf8Text.decode(b.subarray(0, end));
}

/** A formatted item text (proto_tree_add_format_text and the like): too long, it becomes " [truncated]…". */
export function labelText(s: string): string {
  if (s.length <= LABEL_MAX / 3 || utf8.encode(s).length <= LABEL_MAX) return s;
  return cutUtf8(' [truncated]' + s, TRUNCATED_MAX);
}

/** "Name: value" of a field: too long, it becomes "Name [truncated]: value…". */
export function labelNamed(name: string, value: string): string {
  const s = `${name}: ${value}`;
  if (s.length <= LABEL_MAX / 3 || utf8.encode(s).length <= LABEL_MAX) return s;
  return cutUtf8(`${name} [truncated]: ${value}`, TRUNCATED_MAX);
}

const FIELD_ESCAPES: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/**
 * A string value as tshark -T fields prints it: raw, but for \b \t \n \f \r, which it escapes (the
 * other control bytes, backslashes and quotes stay as they are).
 */
export function fieldText(s: string): string {
  return s.replace(/[\b\t\n\f\r]/g, (ch) => FIELD_ESCAPES[ch]!);
}

/** An FT_STRING read with ENC_ASCII, as tshark -T fields prints its value: bytes above 0x7f as U+FFFD, control bytes raw (fieldText). */
export function asciiValue(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = off; i < off + len; i++) s += d[i] < 0x80 ? String.fromCharCode(d[i]) : '\ufffd';
  return fieldText(s);
}

/** An FT_STRING read with ENC_ASCII, as shown: bytes above 0x7f are not ASCII (U+FFFD), the rest as format_text. */
export function asciiText(d: Uint8Array, off: number, len: number): string {
  let s = '';
  let from = off;
  for (let i = off; i < off + len; i++) {
    if (d[i] < 0x80) continue;
    s += formatText(d, from, i) + '\ufffd';
    from = i + 1;
  }
  return s + formatText(d, from, off + len);
}
