// An HTTP message's body as packet-http.c hands it on: chunked transfer coding taken apart ("HTTP chunked
// response", each chunk's size, data and boundary), a gzip or deflate content coding undone (inflate.ts),
// "File Data: n bytes", then the dissector its media type
// names: line-based text (text/html, text/plain, …), HTML form data, JSON (json.ts), raw data
// (application/octet-stream), and "Media Type" for the rest.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bytesText, leaf, unwanted, generated } from '../fields/tree';
import { asciiValue, bytesHex, clipLabel, formatText, labelNamed, labelText } from '../fields/format';
import type { Ctx } from './context';
import { dissectData } from './payload';
import { findLineEnd } from './lines';
import { dissectJson, JSON_MEDIA_TYPES } from './json';
import { uncompress } from './inflate';
import { defineExpert, expert } from './expert';

const F = {
  fileData: defineField('http.file_data', 'File Data', 'string'),
  chunkSize: defineField('http.chunk_size', 'Chunk size', 'uint'),
  chunkData: defineField('http.chunk_data', 'Chunk data', 'bytes'),
  chunkBoundary: defineField('http.chunk_boundary', 'Chunk boundary', 'bytes'),
  trailer: defineField('http.chunked_trailer_part', 'trailer-part', 'string'),
  mediaType: defineField('media.type', 'Media type', 'bytes'),
  formKey: defineField('urlencoded-form.key', 'Key', 'string'),
  formValue: defineField('urlencoded-form.value', 'Value', 'string'),
};
defineField('media', 'Media Type', 'protocol');
defineField('data-text-lines', 'Line-based text data', 'protocol');
defineField('urlencoded-form', 'HTML Form URL Encoded', 'protocol');

/** Media types tshark 4.0 shows as line-based text. */
const TEXT_LINES = new Set(['text/html', 'text/plain', 'text/css', 'text/javascript', 'application/x-javascript']);

export interface BodyHeaders {
  chunked: boolean;
  contentType: string;
  /** The Content-Encoding header's value as sent ('' without one). */
  contentEncoding: string;
}

const DECOMPRESSION_FAILED = defineExpert('http.decompression_failed', 'Decompression failed');

/** The content codings tshark decompresses with zlib (br, which it takes to brotli, is not decoded here). */
const ZLIB_CODINGS = new Set(['gzip', 'deflate', 'x-gzip', 'x-deflate']);

/**
 * The body at [off, off + len) of a message whose bytes end at `end` (null headers: a connection's data
 * after HTTP, "Continuation"). Returns how many bytes the body took (the chunked coding's own length).
 */
export function dissectHttpBody(c: Ctx, t: Field[], off: number, len: number, end: number, hdr: BodyHeaders | null): number {
  let data = c.d.subarray(off, off + Math.min(len, c.avail(off, off + len)));
  let used = len;
  let dechunked = false;
  let cut = false;
  if (hdr?.chunked) {
    const r = chunks(c, t, off, off + len, hdr);
    data = r.data;
    used = r.used;
    dechunked = true;
    cut = r.cut;
    // Not one chunk read (the body starts with a blank line): no body is shown, and the message takes all
    // the bytes it was given.
    if (r.used === 0) return len;
  }
  const show = (base: number): void => {
    const enc = hdr?.contentEncoding ?? '';
    if (enc && enc.toLowerCase() !== 'identity' && data.length > 0) {
      // A content coding: the encoded body as one item, then the rest on what it decompresses to.
      const n = data.length;
      const plain = ZLIB_CODINGS.has(enc.toLowerCase()) ? uncompress(data) : null;
      const item = leaf(t, '', null, `Content-encoded entity body (${enc}): ${n} bytes`, base, n);
      if (!plain) {
        expert(c, item.children, base, 'warning', 'undecoded', 'Decompression failed', DECOMPRESSION_FAILED);
        dataInside(c, item.children, base, base + n);
        return;
      }
      item.display += ` -> ${plain.length} bytes`;
      data = plain;
      c.inSource('Uncompressed entity body', plain, () => decoded(0));
      return;
    }
    decoded(base);
  };
  const decoded = (base: number): void => {
    const n = data.length;
    const value = unwanted(F.fileData.name) ? '' : fileText(data);
    leaf(t, F.fileData.name, value, `File Data: ${n} bytes`, base, n);
    // An empty body (chunks that held no data) goes to no dissector.
    if (n === 0) return;
    const type = hdr?.contentType ?? '';
    // No type: raw data inside the HTTP item; a type no dissector takes: "Media Type" (octet-stream: data).
    if (!type) dataInside(c, t, base, base + n);
    else if (TEXT_LINES.has(type)) textLines(c, type, base, base + n);
    else if (type === 'application/x-www-form-urlencoded') form(c, type, base, base + n);
    else if (type === 'application/octet-stream') dissectData(c, base, base + n);
    else if (JSON_MEDIA_TYPES.has(type)) dissectJson(c, type, base, base + n, (from) => textLines(c, type, from, base + n));
    else media(c, type, base, base + n);
  };
  // A de-chunked body is a buffer of its own (Wireshark's "De-chunked entity body"); else it stays in place.
  if (dechunked) c.inSource('De-chunked entity body', data, () => show(0));
  else show(off);
  // A body cut by the snap length: what was captured is shown, then the read past it throws.
  if (dechunked ? cut : data.length < len) c.need(off, len, end);
  return used;
}

/** A body with no type after the headers of a known HTTP connection: raw data inside the HTTP item. */
export function dataInside(c: Ctx, t: Field[], off: number, end: number): void {
  const n = end - off;
  c.protos.push('data');
  const item = leaf(t, 'data', null, `Data (${n} byte${n === 1 ? '' : 's'})`, off, n);
  const hexs = unwanted('data.data') ? '' : bytesHex(c.d, off, n);
  leaf(item.children, 'data.data', hexs, `Data: ${bytesText(hexs)}`, off, n);
  generated(item.children, 'data.len', n, `Length: ${n}`, off, 0);
}

/**
 * tshark's FT_STRING value for the body, up to a NUL byte: read as ASCII (each byte above 0x7f one U+FFFD,
 * even in UTF-8 text), control bytes raw as -T fields prints them.
 */
function fileText(data: Uint8Array): string {
  const nul = data.indexOf(0);
  return asciiValue(data, 0, nul < 0 ? data.length : nul);
}

/**
 * C's strtol(s, NULL, 16) cast to an unsigned 32-bit number, as packet-http.c reads a chunk size: blanks
 * skipped, a sign, an optional "0x", the hex digits there are (none: 0), saturated at the 64-bit long's
 * limits before the cast.
 */
export function chunkSizeOf(text: string): number {
  let i = 0;
  while (i < text.length && ' \t\n\v\f\r'.includes(text[i])) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') negative = text[i++] === '-';
  if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && /[0-9a-fA-F]/.test(text[i + 2] ?? '')) i += 2;
  let v = 0n;
  const LONG_MAX = (1n << 63n) - 1n;
  let saturated = false;
  for (; i < text.length && /[0-9a-fA-F]/.test(text[i]); i++) {
    v = v * 16n + BigInt(parseInt(text[i], 16));
    if (v > LONG_MAX) saturated = true;
  }
  if (saturated) v = negative ? -(LONG_MAX + 1n) : LONG_MAX;
  else if (negative) v = -v;
  return Number(BigInt.asUintN(32, v));
}

/**
 * chunked_encoding_dissector: each chunk's size, data and boundary; the de-chunked bytes. A size line that
 * is no number is a size of 0 (the last chunk); a size past the bytes there are is cut to them, and a chunk
 * that still runs past the message's end throws before it is shown. After the last chunk, the trailer's
 * header lines are one "trailer-part" item and the blank line ending the body one more.
 */
function chunks(c: Ctx, t: Field[], off: number, reported: number, hdr: BodyHeaders): { data: Uint8Array; used: number; cut: boolean } {
  const d = c.d;
  const sub = leaf(t, '', null, 'HTTP chunked response', off, reported - off);
  void hdr;
  const parts: Uint8Array[] = [];
  // Chunks are read from the captured bytes; running out of them (a cut frame) throws once they are shown.
  const end = c.capturedEnd(reported);
  let p = off;
  while (p < reported) {
    const line = findLineEnd(d, p, end, true);
    if (!line || line.len <= 0) break;
    let text = '';
    for (let i = p; i < p + line.len; i++) text += String.fromCharCode(d[i]);
    let size = chunkSizeOf(text.split(';')[0]);
    if (size > reported - p) size = reported - p;
    const dataAt = line.next;
    // The chunk's bytes are copied out before any item of it is added.
    if (dataAt + size > end) c.need(dataAt, size, reported);
    if (size === 0) {
      const last = leaf(sub.children, '', null, 'End of chunked encoding', p, line.next - p + 2);
      leaf(last.children, F.chunkSize.name, 0, 'Chunk size: 0 octets', p, line.len);
      p = line.next;
      // trailer-part = *( header-field CRLF ): the lines up to the first empty one (or to the last line end).
      let q = p, trailerLen = 0, fieldLen: number;
      do {
        trailerLen = q - p;
        const l = findLineEnd(d, q, end, true);
        fieldLen = l ? l.len : -1;
        if (l) q = l.next;
      } while (fieldLen > 0);
      if (trailerLen > 0) {
        const v = formatText(d, p, p + trailerLen);
        leaf(sub.children, F.trailer.name, v, labelNamed('trailer-part', v), p, trailerLen);
        p += trailerLen;
      }
      // The CRLF that ends the chunked body.
      if (fieldLen === 0) {
        leaf(sub.children, '', null, formatText(d, p, q), p, q - p);
        p = q;
      }
      break;
    }
    const n = size;
    const item = leaf(sub.children, '', null, `Data chunk (${size} octets)`, p, dataAt + size + 2 - p);
    leaf(item.children, F.chunkSize.name, size, `Chunk size: ${size} octet${size === 1 ? '' : 's'}`, p, line.len);
    const hexs = bytesHex(d, dataAt, n);
    leaf(item.children, F.chunkData.name, hexs, `Chunk data: ${bytesText(hexs)}`, dataAt, n);
    // The boundary is read on past the chunk (its two bytes may not be there: then it throws).
    c.need(dataAt + n, 2, reported);
    const b = bytesHex(d, dataAt + n, 2);
    leaf(item.children, F.chunkBoundary.name, b, `Chunk boundary: ${b}`, dataAt + n, 2);
    parts.push(d.subarray(dataAt, dataAt + n));
    p = dataAt + n + 2;
  }
  if (p > off) sub.length = p - off;
  let size = 0;
  for (const part of parts) size += part.length;
  const data = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return { data, used: p - off, cut: p >= end && end < reported };
}

/** data-text-lines: "Line-based text data: text/html (2 lines)", a line per item. */
function textLines(c: Ctx, type: string, off: number, end: number): void {
  const d = c.d;
  const h = c.open('data-text-lines', 'Line-based text data', 'Line-based text data', 7, 5, off, end - off);
  let lines = 0;
  let p = off;
  while (p < end) {
    const line = findLineEnd(d, p, end, false)!;
    if (lines < MAX_LINE_ITEMS) leaf(h.fields, '', null, labelText(formatText(d, p, line.next)), p, line.next - p);
    lines++;
    p = line.next;
  }
  if (lines > MAX_LINE_ITEMS) {
    // A tree item costs far more than its line (a 16 MiB body of short lines, a few KB gzipped, filled a 1 GB heap: fresh eyes).
    const text = `Handshake Lab shows at most ${MAX_LINE_ITEMS} lines of a body: ${lines - MAX_LINE_ITEMS} more are left out (tshark shows them all)`;
    leaf(h.fields, '', null, `[${text}]`, p, 0);
    c.addExpert('note', 'undecoded', text, '_ws.handshake_lab.lines_limit');
  }
  h.title = `Line-based text data: ${type} (${lines} lines)`;
  c.appendInfo(` (${type})`);
}

/** Lines of a text body shown as tree items, at most (tshark shows every one). */
export const MAX_LINE_ITEMS = 20_000;

/** media: "Media Type" with the body's bytes. */
function media(c: Ctx, type: string, off: number, end: number): void {
  const n = end - off;
  const h = c.open('media', 'Media Type', 'Media Type', 7, 5, off, n);
  const hexs = unwanted(F.mediaType.name) ? '' : bytesHex(c.d, off, n);
  leaf(h.fields, F.mediaType.name, hexs, `Media type: ${type} (${n} bytes)`, off, n);
  c.appendInfo(` (${type})`);
}

/**
 * urlencoded-form as tshark 4.0 reads it: a key runs to the next "=" (an "&" before it is part of the key),
 * its value to the next "&", both %-decoded ("+" a space). A NUL byte or a "%" without two hex digits ends
 * the form, leaving a bare "Form item"; a "%" at the data's end reads past it (an exception).
 */
function form(c: Ctx, type: string, off: number, end: number): void {
  const h = c.open('urlencoded-form', 'URL Encoded Form Data', `HTML Form URL Encoded: ${type}`, 7, 5, off, end - off);
  c.appendInfo(` (${type})`);
  let p = off;
  while (p < end) {
    const start = p;
    const item = leaf(h.fields, '', null, 'Form item', p, 0);
    const key = formPart(c, p, end, 0x3d);
    if (!key) break;
    const k = formatText(key.text);
    leaf(item.children, F.formKey.name, k, labelNamed('Key', k), p, key.next - p);
    let label = `Form item: "${k}"`;
    item.display = clipLabel(label);
    p = key.next + 1;
    const value = formPart(c, p, end, 0x26);
    if (!value) break;
    const v = formatText(value.text);
    leaf(item.children, F.formValue.name, v, labelNamed('Value', v), p, value.next - p);
    label += ` = "${v}"`;
    item.display = clipLabel(label);
    p = value.next + 1;
    item.length = p - start;
  }
}

/** get_form_key_value: the decoded text from `p` to `delim` (or the end) and where it stopped; null when it gives up. */
function formPart(c: Ctx, p: number, end: number, delim: number): { text: Uint8Array; next: number } | null {
  const d = c.d;
  const out: number[] = [];
  while (p < end) {
    c.need(p, 1, end);
    const ch = d[p];
    if (ch === 0) return null;
    if (ch === delim) break;
    if (ch === 0x25) {
      c.need(p + 1, 1, end);
      const hi = hexDigit(d[p + 1]);
      if (hi < 0) return null;
      c.need(p + 2, 1, end);
      const lo = hexDigit(d[p + 2]);
      if (lo < 0) return null;
      out.push(hi * 16 + lo);
      p += 3;
      continue;
    }
    out.push(ch === 0x2b ? 0x20 : ch);
    p++;
  }
  return { text: Uint8Array.from(out), next: p };
}

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}
