// What the data of several DNS record types shares, as packet-dns.c reads it: counted strings (FT_STRING,
// with proto.c's "Trailing stray characters"), names inside the data, NSEC-style type bit maps.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bytesText, leaf } from '../fields/tree';
import { asciiText, asciiValue, bytesHex, fieldText, formatText, labelNamed } from '../fields/format';
import type { Ctx } from './context';
import { defineExpert, expert } from './expert';
import { readDnsName, type DnsName } from './dns-name';
import { DNS_TYPE_DESCRIPTIONS } from './value-names';

const F = {
  rrType: defineField('dns.resp.type', 'Type', 'uint'),
};
const E = {
  stray: defineExpert('_ws.string.trailing_stray_characters', 'Trailing stray characters'),
};

/** What a record's data needs: its tree and title item, type, owner, where its data is, and the message's bounds. */
export interface Rdata {
  tree: Field[];
  item: Field;
  type: number;
  cls: number;
  owner: DnsName;
  at: number;
  len: number;
  msg: number;
  end: number;
  mdns: boolean;
}

const utf8 = new TextDecoder('utf-8');
const toUtf8 = new TextEncoder();

/**
 * A counted string tshark adds as FT_STRING (ENC_ASCII; UTF-8 in mDNS TXT records, each byte sequence that is
 * not UTF-8 a U+FFFD, as TextDecoder replaces them): it ends at the first
 * NUL, its value keeps control bytes raw (as tshark -T fields prints it) while its text escapes them.
 * proto.c's "Trailing stray characters" looks for a non-NUL byte from the converted string's end (its first
 * NUL) up to the field's length in bytes, but in the converted string, where each byte not ASCII (or not
 * UTF-8) became a 3-byte U+FFFD: such bytes before the NUL shift that window, as they do in tshark.
 */
export function stringItem(c: Ctx, tree: Field[], name: string, label: string, at: number, n: number, utf: boolean): Field {
  const d = c.d;
  let nul = at;
  while (nul < at + n && d[nul] !== 0) nul++;
  const decoded = utf ? utf8.decode(d.subarray(at, nul)) : '';
  const value = utf ? fieldText(decoded) : asciiValue(d, at, nul - at);
  // The label formats the string tshark converted (bad UTF-8 already U+FFFD), not the raw bytes.
  const text = utf ? formatText(toUtf8.encode(decoded)) : asciiText(d, at, nul - at);
  const it = leaf(tree, name, value, labelNamed(label, text), at, n);
  const conv = converted(d, at, n, utf);
  let end = conv.indexOf(0);
  if (end < 0) end = conv.length;
  let stray = false;
  for (let i = end; i < n && i < conv.length && !stray; i++) stray = conv[i] !== 0;
  if (stray) expert(c, it.children, at, 'warning', 'undecoded', 'Trailing stray characters', E.stray);
  return it;
}

/** The UTF-8 bytes tshark converts a counted string to (ENC_ASCII: each byte above 0x7f a U+FFFD). */
export function converted(d: Uint8Array, at: number, n: number, utf: boolean): Uint8Array {
  if (utf) return toUtf8.encode(utf8.decode(d.subarray(at, at + n)));
  let s = '';
  for (let i = at; i < at + n; i++) s += d[i] < 0x80 ? String.fromCharCode(d[i]) : '\ufffd';
  return toUtf8.encode(s);
}

/**
 * A counted ASCII string as tshark prints it into a title or the Info column ("%.*s" of the converted
 * string): raw, up to a NUL, and at most as many bytes as the string had, though each byte above 0x7f
 * became a 3-byte U+FFFD, so such a string is cut short (a U+FFFD cut in two reads as one).
 */
export function printedText(d: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at, room = n; room > 0 && d[i] !== 0; i++) {
    s += d[i] < 0x80 ? String.fromCharCode(d[i]) : '\ufffd';
    room -= d[i] < 0x80 ? 1 : 3;
  }
  return s;
}

const LABEL_MAX = 239;
const toBytes = new TextEncoder();

/**
 * proto_item_append_text: the text goes after the item's label, which stays within tshark's 239 bytes (a
 * record's title that a long name or a long owner has filled gets the rest cut off). The cut is vsnprintf's,
 * blind to UTF-8: a character cut in two leaves its first bytes, which read back as one U+FFFD.
 */
export function appendTitle(item: Field, text: string): void {
  const s = item.display + text;
  if (s.length <= LABEL_MAX / 3) {
    item.display = s;
    return;
  }
  const b = toBytes.encode(s);
  if (b.length <= LABEL_MAX) {
    item.display = s;
    return;
  }
  let start = LABEL_MAX;
  while (start > 0 && (b[start] & 0xc0) === 0x80) start--;
  item.display = utf8.decode(b.subarray(0, start)) + (start < LABEL_MAX ? '\ufffd' : '');
}

/** A name inside the record data; its item shows it, the Info column and the title may too. */
export function nameItem(c: Ctx, r: Rdata, tree: Field[], name: string, label: string, at: number): DnsName {
  const n = readDnsName(c, at, r.msg, r.end);
  leaf(tree, name, n.text, labelNamed(label, n.text), at, n.used);
  return n;
}

/** A counted ASCII string as "%s" prints the string tshark read: up to its first NUL, each byte above 0x7f a U+FFFD. */
export function cString(d: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n && d[i] !== 0; i++) s += d[i] < 0x80 ? String.fromCharCode(d[i]) : '\ufffd';
  return s;
}

/**
 * NSEC and NSEC3 type bit maps: a window number, a length, then one bit per type, each set bit an "RR type in
 * bit map" item. The count of bytes left (`left`) is only ever tested against 0, as tshark does, so a map
 * longer than the record (or a count already below 0) reads on until the message ends.
 */
export function typeBitmap(c: Ctx, r: Rdata, p: number, left: number): void {
  const d = c.d;
  const need = (at: number, n: number): void => c.need(at, n, r.end);
  while (left !== 0) {
    need(p, 2);
    const win = d[p], blen = d[p + 1];
    p += 2;
    left -= 2;
    for (let i = 0; i < blen; i++, p++) {
      need(p, 1);
      for (let bit = 0; bit < 8; bit++) {
        if (!(d[p] & (0x80 >> bit))) continue;
        const type = win * 256 + i * 8 + bit;
        leaf(r.tree, F.rrType.name, type, `RR type in bit map: ${DNS_TYPE_DESCRIPTIONS[type] ?? `Unknown (${type})`}`, p, 1);
      }
    }
    left -= blen;
  }
}

/**
 * A byte string of `n` bytes as proto_tree_add_item adds it: empty, its value is "<MISSING>" in -T fields as
 * in the tree; -1 runs to the end of the captured data; a length below -1 is a bounds error.
 */
export function bytesItem(c: Ctx, r: Rdata, tree: Field[], name: string, label: string, at: number, n: number): Field {
  if (n < -1) c.fail();
  if (n === -1) n = c.avail(at, r.end);
  c.need(at, n, r.end);
  const h = bytesHex(c.d, at, n);
  return leaf(tree, name, h || '<MISSING>', `${label}: ${bytesText(h)}`, at, n);
}

/** A byte of the record (read past its end when the record is short, as tshark reads it); u16, u32 alike. */
export function u8(c: Ctx, r: Rdata, at: number): number {
  c.need(at, 1, r.end);
  return c.d[at];
}

export function u16(c: Ctx, r: Rdata, at: number): number {
  c.need(at, 2, r.end);
  return c.v.getUint16(at);
}

export function u32(c: Ctx, r: Rdata, at: number): number {
  c.need(at, 4, r.end);
  return c.v.getUint32(at);
}
