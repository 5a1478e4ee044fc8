// What a TCP payload is handed to: HTTP/1.x when the segment starts like an HTTP message (tshark 4.0
// runs its HTTP heuristic on every TCP port; first line only: method, URI, version or status) and
// holds it whole, otherwise plain data with a text preview.
import { leaf } from '../fields/tree';
import { defineField } from '../fields/registry';
import type { Ctx } from './context';
import { dissectData } from './payload';
import { defineExpert, expert } from './expert';

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];
const F = {
  method: defineField('http.request.method', 'Request Method', 'string'),
  uri: defineField('http.request.uri', 'Request URI', 'string'),
  version: defineField('http.request.version', 'Request Version', 'string'),
  respVersion: defineField('http.response.version', 'Response Version', 'string'),
  code: defineField('http.response.code', 'Status Code', 'uint'),
  phrase: defineField('http.response.phrase', 'Response Phrase', 'string'),
  request: defineField('http.request', 'Request', 'bool'),
  response: defineField('http.response', 'Response', 'bool'),
};
defineField('http', 'Hypertext Transfer Protocol', 'protocol');
const CHAT = defineExpert('http.chat', 'Chat');


/** What an HTTP/1.x message starts with: a method and a space, or a response's "HTTP/". */
const STARTS = [...METHODS.map((m) => m + ' '), 'HTTP/'].map((t) => Array.from(t, (ch) => ch.charCodeAt(0)));

/** Whether [off, end) starts like an HTTP message: most payloads are rejected on their first byte. */
function startsLikeHttp(d: Uint8Array, off: number, end: number): boolean {
  for (const t of STARTS) {
    if (off + t.length > end) continue;
    let i = 0;
    while (i < t.length && d[off + i] === t[i]) i++;
    if (i === t.length) return true;
  }
  return false;
}

/** The first line of [off, end) when it is complete and printable, else null. */
function firstLine(d: Uint8Array, off: number, end: number): string | null {
  const stop = Math.min(end, off + 2048);
  for (let i = off; i < stop; i++) {
    const b = d[i];
    if (b === 0x0d || b === 0x0a) return String.fromCharCode.apply(null, Array.from(d.subarray(off, i)));
    if (b < 0x20 || b > 0x7e) return null;
  }
  return null;
}

export function dissectTcpPayload(c: Ctx, off: number, end: number): void {
  const capEnd = end < c.cap ? end : c.cap;
  if (c.colWritable && capEnd === end) {
    const line = startsLikeHttp(c.d, off, capEnd) ? firstLine(c.d, off, capEnd) : null;
    if (line !== null && dissectHttpLine(c, line, off, end)) return;
  }
  dissectData(c, off, end);
}

/** The header block's end (after the blank line) and its Content-Type / Content-Length, or null if incomplete. */
function headers(d: Uint8Array, off: number, end: number): { bodyStart: number; type: string; length: number } | null {
  let text = '';
  for (let i = off; i < end && i < off + 8192; i++) text += String.fromCharCode(d[i]);
  const stop = text.indexOf('\r\n\r\n');
  if (stop < 0) return null;
  const head = text.slice(0, stop);
  const type = /\r\ncontent-type:[ \t]*([^;\r\n]*)/i.exec(head)?.[1]?.trim() ?? '';
  const lenText = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head)?.[1];
  return { bodyStart: off + stop + 4, type, length: lenText === undefined ? -1 : Number(lenText) };
}

function dissectHttpLine(c: Ctx, line: string, off: number, end: number): boolean {
  const parts = line.split(' ');
  const isReq = METHODS.includes(parts[0]) && parts.length >= 3 && /^HTTP\/\d\.\d$/.test(parts[parts.length - 1]);
  const isResp = /^HTTP\/\d\.\d$/.test(parts[0]) && /^\d{3}$/.test(parts[1] ?? '');
  if (!isReq && !isResp) return false;
  // Only whole messages: one that continues in later segments needs reassembly, which we do not do.
  const hd = headers(c.d, off, end);
  if (!hd) return false;
  const bodyLen = hd.length >= 0 ? hd.length : isReq ? 0 : -1;
  if (bodyLen < 0 || hd.bodyStart + bodyLen !== end) return false;
  const h = c.open('http', 'HTTP', 'Hypertext Transfer Protocol', 7, 5, off, c.avail(off, end));
  c.setProtocol('HTTP');
  c.setInfo(line + ' ' + (isResp && hd.type ? ` (${hd.type})` : ''));
  const item = leaf(h.fields, '', null, `${line}\\r\\n`, off, line.length + 2);
  // Wireshark flags each HTTP first line as a "chat" expert item (the message is the line as shown).
  expert(c, item.children, off, 'chat', 'sequence', `${line}\\r\\n`, CHAT);
  let p = off;
  if (isReq) {
    const uri = parts.slice(1, -1).join(' ');
    leaf(item.children, F.method.name, parts[0], `Request Method: ${parts[0]}`, p, parts[0].length);
    p += parts[0].length + 1;
    leaf(item.children, F.uri.name, uri, `Request URI: ${uri}`, p, uri.length);
    p += uri.length + 1;
    leaf(item.children, F.version.name, parts[parts.length - 1], `Request Version: ${parts[parts.length - 1]}`, p, parts[parts.length - 1].length);
  } else {
    const code = Number(parts[1]);
    const phrase = parts.slice(2).join(' ');
    leaf(item.children, F.respVersion.name, parts[0], `Response Version: ${parts[0]}`, p, parts[0].length);
    p += parts[0].length + 1;
    leaf(item.children, F.code.name, code, `Status Code: ${code}`, p, 3);
    p += 4;
    leaf(item.children, F.phrase.name, phrase, `Response Phrase: ${phrase}`, p, phrase.length);
  }
  return true;
}
