// HTTP/1.x over TCP as tshark 4.0's packet-http.c shows it: the request or status line, every header
// (known ones by their own field, the rest as request/response lines), the generated links between
// requests and responses, and the body (Content-Length or chunked) handed on by its media type. When the
// headers or the body are not all there yet, it asks TCP for more (req_resp_hdrs_do_reassembly's rules),
// so a message split over segments is dissected whole in the segment that completes it.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { hide, leaf, generated } from '../fields/tree';
import { clipLabel, formatText, labelNamed, labelText } from '../fields/format';
import type { Ctx } from './context';
import { defineExpert, expert } from './expert';
import { ONE_MORE_SEGMENT, UNTIL_FIN, type Deseg } from './tcp-desegment';
import { HTTP_STATUS } from './value-names';
import {
  lastMethod, requestItems, requestUris, responseItems, seenHttp, startRequest, startResponse, type RequestFacts,
} from './http-track';
import { dataInside, dissectHttpBody } from './http-body';
import { findLineEnd } from './lines';

const F = {
  method: defineField('http.request.method', 'Request Method', 'string'),
  uri: defineField('http.request.uri', 'Request URI', 'string'),
  uriPath: defineField('http.request.uri.path', 'Request URI Path', 'string'),
  uriQuery: defineField('http.request.uri.query', 'Request URI Query', 'string'),
  uriParam: defineField('http.request.uri.query.parameter', 'Request URI Query Parameter', 'string'),
  version: defineField('http.request.version', 'Request Version', 'string'),
  respVersion: defineField('http.response.version', 'Response Version', 'string'),
  code: defineField('http.response.code', 'Status Code', 'uint'),
  codeDesc: defineField('http.response.code.desc', 'Status Code Description', 'string'),
  phrase: defineField('http.response.phrase', 'Response Phrase', 'string'),
  requestLine: defineField('http.request.line', 'Request line', 'string'),
  responseLine: defineField('http.response.line', 'Response line', 'string'),
  unknownHeader: defineField('http.unknown_header', 'Unknown header', 'string'),
  contentLength: defineField('http.content_length', 'Content length', 'uint'),
  cookiePair: defineField('http.cookie_pair', 'Cookie pair', 'string'),
  authbasic: defineField('http.authbasic', 'Credentials', 'string'),
};
defineField('http', 'Hypertext Transfer Protocol', 'protocol');
const LEADING_CRLF = 'Leading CRLF previous message in the stream may have extra CRLF';
const E = {
  chat: defineExpert('http.chat', 'Formatted text'),
  leadingCrlf: defineExpert('http.leading_crlf', LEADING_CRLF),
  badHeaderName: defineExpert('http.bad_header_name', 'Illegal characters found in header name'),
  tlsPort: defineExpert('http.tls_port', 'Unencrypted HTTP protocol detected over encrypted port, could indicate a dangerous misconfiguration.'),
};
const TLS_PORT = 'Unencrypted HTTP protocol detected over encrypted port, could indicate a dangerous misconfiguration.';

/** Headers with their own field (packet-http.c's headers[] table), by lower-case name. */
const HEADERS: Record<string, string> = {};
for (const [name, field] of [
  ['Authorization', 'authorization'], ['Proxy-Authenticate', 'proxy_authenticate'], ['Proxy-Authorization', 'proxy_authorization'],
  ['WWW-Authenticate', 'www_authenticate'], ['Content-Type', 'content_type'], ['Content-Length', 'content_length_header'],
  ['Content-Encoding', 'content_encoding'], ['Transfer-Encoding', 'transfer_encoding'], ['Upgrade', 'upgrade'],
  ['User-Agent', 'user_agent'], ['Host', 'host'], ['Connection', 'connection'], ['Cookie', 'cookie'], ['Accept', 'accept'],
  ['Referer', 'referer'], ['Accept-Language', 'accept_language'], ['Accept-Encoding', 'accept_encoding'], ['Date', 'date'],
  ['Cache-Control', 'cache_control'], ['Server', 'server'], ['Location', 'location'], ['Sec-WebSocket-Accept', 'sec_websocket_accept'],
  ['Sec-WebSocket-Extensions', 'sec_websocket_extensions'], ['Sec-WebSocket-Key', 'sec_websocket_key'],
  ['Sec-WebSocket-Protocol', 'sec_websocket_protocol'], ['Sec-WebSocket-Version', 'sec_websocket_version'], ['Set-Cookie', 'set_cookie'],
  ['Last-Modified', 'last_modified'], ['X-Forwarded-For', 'x_forwarded_for'], ['HTTP2-Settings', 'http2_settings'],
]) {
  HEADERS[name.toLowerCase()] = defineField(`http.${field}`, name === 'Accept-Encoding' ? 'Accept Encoding' : name, 'string').name;
}

/** Request methods packet-http.c recognises (by length there; any of them followed by a space or the line's end). */
const METHODS = new Set([
  'GET', 'PUT', 'COPY', 'HEAD', 'LOCK', 'MOVE', 'POLL', 'POST', 'BCOPY', 'BMOVE', 'MKCOL', 'TRACE', 'PATCH', 'LABEL', 'MERGE',
  'DELETE', 'SEARCH', 'UNLOCK', 'REPORT', 'UPDATE', 'BDELETE', 'CONNECT', 'OPTIONS', 'CHECKIN', 'PROPFIND', 'CHECKOUT',
  'CCM_POST', 'SUBSCRIBE', 'PROPPATCH', 'BPROPFIND', 'BPROPPATCH', 'UNCHECKOUT', 'MKACTIVITY', 'MKWORKSPACE', 'UNSUBSCRIBE',
  'RPC_CONNECT', 'VERSION-CONTROL', 'BASELINE-CONTROL', 'RPC_IN_DATA', 'RPC_OUT_DATA', 'MKREDIRECTREF',
  'SSTP_DUPLEX_POST', 'UPDATEREDIRECTREF',
]);

type Kind = 'request' | 'response' | 'notification' | null;

function latin1(d: Uint8Array, off: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(d[off + i]);
  return s;
}

/** is_http_request_or_reply: "HTTP/" starts a status line; a known method then a space (or the end) a request. */
function kindOf(line: string): Kind {
  if (line.length >= 5 && line.startsWith('HTTP/')) return 'response';
  const sp = line.indexOf(' ');
  const method = sp < 0 ? line : line.slice(0, sp);
  if (method === 'NOTIFY') return 'notification';
  return METHODS.has(method) ? 'request' : null;
}

/** What the headers say about the body (and the request's URI parts). */
interface Headers {
  contentLength: number;
  chunked: boolean;
  contentType: string;
  contentEncoding: string;
  host: string;
  uri: string;
  method: string;
  code: number;
}

/** req_resp_hdrs_do_reassembly: null when the message is all there, else what TCP must gather first. */
function needMore(c: Ctx, off: number, end: number, body: boolean, untilFin: boolean): Deseg | null {
  if (!c.canDesegment) return null;
  const d = c.d;
  let next = off;
  let contentLength = -1;
  let chunked = false;
  for (;;) {
    if (end - next < 1) return { offset: off, len: ONE_MORE_SEGMENT };
    const line = findLineEnd(d, next, end, true);
    if (!line) return { offset: off, len: ONE_MORE_SEGMENT };
    const start = next;
    next = line.next;
    if (line.len === 0) break;
    if (!body) continue;
    const first = d[start] | 0x20;
    if (first !== 0x63 && first !== 0x74) continue;
    const text = latin1(d, start, line.len);
    const lower = text.toLowerCase();
    if (lower.startsWith('content-length:')) {
      const v = text.slice(15).trim();
      if (/^[+-]?\d+$/.test(v) && Number(v) >= 0 && Number(v) <= 0x7fffffff) contentLength = Number(v);
    } else if (lower.startsWith('transfer-encoding:')) {
      if (lower.slice(18).replace(/^[ \t]+/, '').startsWith('chunked')) chunked = true;
    }
  }
  if (!body) return null;
  if (chunked) {
    for (;;) {
      if (end - next < 1) return { offset: off, len: ONE_MORE_SEGMENT };
      const line = findLineEnd(d, next, end, true);
      if (!line) return { offset: off, len: ONE_MORE_SEGMENT };
      const size = parseInt(latin1(d, next, line.len).split(';')[0], 16);
      if (Number.isNaN(size) || size > 2 ** 31) return null;
      if (size === 0) {
        const trailer = findLineEnd(d, line.next, end, true);
        return trailer ? null : { offset: off, len: ONE_MORE_SEGMENT };
      }
      if (end - next > size) next = line.next + size + 2;
      else return { offset: off, len: ONE_MORE_SEGMENT };
    }
  }
  if (contentLength >= 0) {
    if (next + contentLength > end) return { offset: off, len: contentLength - (end - next) };
    return null;
  }
  // No length and no chunks: a response's body runs until the connection ends.
  return untilFin ? { offset: off, len: UNTIL_FIN } : null;
}

/**
 * dissect_http_on_stream: the messages in [off, end), one after another (a fence between them keeps the
 * first one's Info). Returns what TCP must gather first when the last one is not all there.
 */
export function dissectHttp(c: Ctx, off: number, end: number): Deseg | null {
  let p = off;
  // frame.protocols names HTTP once for the messages of one call (Wireshark adds a name per dissector call).
  const protos = c.protos.length;
  while (p < end) {
    const r = dissectMessage(c, p, end, c.protos.length > protos && c.protos[protos] === 'http');
    if (typeof r !== 'number') return { offset: r.offset - off, len: r.len };
    if (r < 0) return null;
    p += r;
    c.fenceInfo();
  }
  return null;
}

/** One message at `off`: its length, -1 when it ends the stream's HTTP, or what is missing. */
function dissectMessage(c: Ctx, off: number, end: number, named: boolean): number | Deseg {
  const d = c.d;
  const orig = off;
  if (end - off < 1) return -1;
  // What packet-http.c reads before anything else: two bytes when more than three are reported (a leading
  // CRLF?), then the first byte (printable?). A capture that ends before them (a frame cut by the snap
  // length, within or between messages) makes HTTP throw there: "HTTP truncated", nothing shown of it.
  const first2 = end - off > 3 ? 2 : 1;
  if (c.avail(off, end) < first2) truncated(c, off, first2, end, named);
  let leadingCrlf = false;
  if (end - off > 3 && d[off] === 0x0d && d[off + 1] === 0x0a) {
    leadingCrlf = true;
    off += 2;
    if (c.avail(off, end) < 1) truncated(c, off, 1, end, named);
  }
  const seen = seenHttp(c);
  if (d[off] < 0x20 || d[off] > 0x7e) {
    // Binary data: a file's bytes on a connection known to be HTTP, else not ours.
    if (seen) continuation(c, orig, end, named);
    return -1;
  }
  // Lines are looked for in the captured bytes only (tvb_find_line_end): a frame cut by the capture's
  // snap length ends its last line where its bytes end.
  const cend = c.capturedEnd(end);
  const first = findLineEnd(d, off, cend, true);
  if (!first) {
    const more = needMore(c, off, end, true, false);
    if (more) return more;
  }
  // No line end in the bytes there are, and no reassembly: packet-http.c's first line has no length then,
  // so the message is neither request nor response for the columns (its lines are still dissected below).
  const firstLine = first ? latin1(d, off, first.len) : '';
  const kind = first ? kindOf(firstLine) : null;
  if (first && kind) {
    c.setInfo(`${formatText(d, off, off + first.len)} `);
    let body = true;
    if (kind === 'response') {
      const method = lastMethod(c);
      const code = statusCode(firstLine);
      if (method === 'HEAD' || (Math.floor(code / 100) === 2 && (method === 'CONNECT' || method === 'SSTP_DUPLEX_POST')) ||
        Math.floor(code / 100) === 1 || code === 204 || code === 304) body = false;
    }
    const more = needMore(c, off, end, body && !c.endOfStream, kind === 'response');
    if (more) return more;
  } else if (seen) {
    c.setInfo('Continuation');
  }
  let t: Field[] | null = null;
  const tree = (): Field[] => {
    if (!t) {
      // The item starts after a leading CRLF, which is an item of its own (proto_tree_add_expert) carrying an
      // Error/Malformed expert.
      const h = c.open('http', 'HTTP', 'Hypertext Transfer Protocol', 7, 5, off, c.avail(off, end), !named);
      t = h.fields;
      // HTTP in the clear on a port tshark's HTTP calls TLS's (443): a warning first.
      if (c.srcPort === 443 || c.dstPort === 443) expert(c, t, off, 'warning', 'security', TLS_PORT, E.tlsPort);
      if (leadingCrlf) {
        const item = leaf(t, '', null, LEADING_CRLF, orig, 2);
        expert(c, item.children, orig, 'error', 'malformed', LEADING_CRLF, E.leadingCrlf);
      }
    }
    return t;
  };
  if (kind || seen) {
    c.setProtocol('HTTP');
    tree();
  }
  const hdr: Headers = { contentLength: -1, chunked: false, contentType: '', contentEncoding: '', host: '', uri: '', method: '', code: 0 };
  let type: Kind = null;
  let facts: RequestFacts | null = null;
  let responseFacts: ReturnType<typeof startResponse> | null = null;
  let sawLine = false;
  // Whether the headers ended (a blank line), and not with the captured bytes.
  let ended = false;
  while (off < cend) {
    const line = findLineEnd(d, off, cend, false)!;
    const text = latin1(d, off, line.len);
    const lineKind = kindOf(text);
    if (!lineKind && line.len > 0) {
      const colon = text.indexOf(':');
      if (colon < 0) {
        // A line that is no header after headers: an incomplete header if it runs to the end (Wireshark throws).
        if (sawLine) c.need(off, line.len + 1, end);
        break;
      }
    }
    const tt = tree();
    if (line.len === 0) {
      leaf(tt, '', null, formatText(d, off, line.next), off, line.next - off);
      off = line.next;
      ended = true;
      break;
    }
    sawLine = true;
    if (lineKind) {
      type = lineKind;
      const whole = formatText(d, off, line.next);
      const item = leaf(tt, '', null, labelText(whole), off, line.next - off);
      // The expert message is the line as the item's text had it before truncation, cut as labels are.
      expert(c, item.children, off, 'chat', 'sequence', clipLabel(whole), E.chat);
      if (lineKind === 'response') {
        hdr.code = statusLine(c, item.children, text, off);
        responseFacts = startResponse(c, hdr.code);
      } else {
        requestLine(c, item.children, text, off, hdr);
        facts = startRequest(c, hdr.method);
      }
    } else {
      header(c, tt, off, line, text, hdr, type);
    }
    off = line.next;
  }
  let fullUri = '';
  if (hdr.host && hdr.uri) {
    const u = hdr.uri.toLowerCase();
    fullUri = u.startsWith('http://') || u.startsWith('https://') || hdr.method.toUpperCase().startsWith('CONNECT') ? hdr.uri : `http://${hdr.host.trim()}${hdr.uri}`;
  }
  if (facts) requestUris(c, facts, hdr.uri, fullUri);
  if (t) {
    if (type === 'response' && responseFacts) responseItems(t, responseFacts);
    else if (type === 'request' && facts) requestItems(t, facts, fullUri);
  }
  // The captured bytes ran out within the headers (the frame was cut by the snap length): Wireshark reads
  // on past them and throws ("[Packet size limited during capture: HTTP truncated]"), after what it showed.
  if (!ended && off >= cend && cend < end) c.need(off, 1, end);
  // How much of what follows is this message's body (Content-Length, chunks, or the rest).
  const rest = end - off;
  let datalen = rest;
  if (hdr.contentLength >= 0 && !hdr.chunked) {
    if (datalen > hdr.contentLength) datalen = hdr.contentLength;
  } else if (type === 'request') {
    if (!hdr.chunked) datalen = 0;
  } else if (type === 'response') {
    if (Math.floor(hdr.code / 100) === 1 || hdr.code === 204 || hdr.code === 304) datalen = 0;
  }
  if (cend < end) {
    // Cut by the capture: packet-http.c goes on with the captured bytes only (tvb_captured_length_remaining),
    // and its next message, which starts where they end, throws (see above).
    const kept = Math.min(datalen, cend - off);
    if (!t) {
      // Not HTTP as far as the captured bytes tell, yet HTTP (named in frame.protocols without an item)
      // hands what is left to "data", under no tree.
      if (kept > 0) {
        if (!named) c.enter('http', 'HTTP', 7, 5);
        c.protos.push('data');
      }
      if (off + kept === orig) c.need(orig, 1, end);
      return off + kept - orig;
    }
    // No byte of the body captured: no body at all (no file data, no media dissector).
    if (kept === 0) return off - orig;
    // A chunked body the capture cut: tshark 4.0 shows none of its chunks (its de-chunking reads past the
    // captured bytes before it adds anything).
    if (hdr.chunked && datalen > 0) c.need(off, end - off, end);
  }
  if (datalen > 0 && t) datalen = dissectHttpBody(c, t, off, datalen, end, hdr);
  return off + datalen - orig;
}

/** HTTP reads `n` bytes at `off` that the capture cut off: its name in frame.protocols, then the exception. */
function truncated(c: Ctx, off: number, n: number, end: number, named: boolean): never {
  if (!named) c.enter('http', 'HTTP', 7, 5);
  c.need(off, n, end);
  throw new Error('unreachable: the bytes were not captured');
}

/** A connection's binary bytes after HTTP: "Continuation", the bytes as file data. */
function continuation(c: Ctx, off: number, end: number, named: boolean): void {
  c.setProtocol('HTTP');
  c.setInfo('Continuation');
  const h = c.open('http', 'HTTP', 'Hypertext Transfer Protocol', 7, 5, off, c.avail(off, end), !named);
  // packet-http.c hands the bytes straight to the data dissector (no File Data), and only what was captured:
  // HTTP stops there, with no exception for a cut frame.
  dataInside(c, h.fields, off, off + c.avail(off, end));
}

function validHeaderName(name: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name);
}

function statusCode(line: string): number {
  const m = /^\S+ (\d{3})/.exec(line);
  return m ? Number(m[1]) : 0;
}

/** basic_response_dissector: version, status code and its description, phrase. */
function statusLine(c: Ctx, t: Field[], line: string, off: number): number {
  const sp = line.indexOf(' ');
  const version = sp < 0 ? line : line.slice(0, sp);
  leaf(t, F.respVersion.name, version, `Response Version: ${version}`, off, version.length);
  if (sp < 0) return 0;
  let p = sp + 1;
  while (line[p] === ' ') p++;
  const codeText = line.slice(p, p + 3);
  if (!/^\d{3}$/.test(codeText)) return 0;
  const code = Number(codeText);
  leaf(t, F.code.name, code, `Status Code: ${code}`, off + p, 3);
  const desc = HTTP_STATUS[code] ?? 'Unknown';
  generated(t, F.codeDesc.name, desc, `Status Code Description: ${desc}`, off + p, 3);
  p += 3;
  if (line[p] === ' ') p++;
  const phrase = line.slice(p);
  leaf(t, F.phrase.name, phrase, labelNamed('Response Phrase', phrase), off + p, phrase.length);
  return code;
}

/** basic_request_dissector: method, URI (with its path and query parts), version. */
function requestLine(c: Ctx, t: Field[], line: string, off: number, hdr: Headers): void {
  const sp = line.indexOf(' ');
  const method = sp < 0 ? line : line.slice(0, sp);
  hdr.method = method;
  leaf(t, F.method.name, method, `Request Method: ${method}`, off, method.length);
  if (sp < 0) {
    // A line of the method alone (one the capture cut after it): an empty URI and version, as tshark 4.0.
    hdr.uri = '';
    leaf(t, F.uri.name, '', labelNamed('Request URI', ''), off + line.length, 0);
    leaf(t, F.version.name, '', 'Request Version: ', off + line.length, 0);
    return;
  }
  let p = sp + 1;
  while (line[p] === ' ') p++;
  const uriEnd = line.indexOf(' ', p);
  const uri = uriEnd < 0 ? line.slice(p) : line.slice(p, uriEnd);
  hdr.uri = uri;
  const ui = leaf(t, F.uri.name, uri, labelNamed('Request URI', uri), off + p, uri.length);
  const q = uri.indexOf('?');
  if (q >= 0) {
    leaf(ui.children, F.uriPath.name, uri.slice(0, q), labelNamed('Request URI Path', uri.slice(0, q)), off + p, q);
    const query = uri.slice(q + 1);
    const qi = leaf(ui.children, F.uriQuery.name, query, labelNamed('Request URI Query', query), off + p + q + 1, query.length);
    let at = off + p + q + 1;
    for (const param of query.split('&')) {
      leaf(qi.children, F.uriParam.name, param, labelNamed('Request URI Query Parameter', param), at, param.length);
      at += param.length + 1;
    }
  }
  // Everything after the URI is the version, even nothing ("GET /" or a line the capture cut: "Request Version: ").
  if (uriEnd < 0) {
    leaf(t, F.version.name, '', 'Request Version: ', off + line.length, 0);
    return;
  }
  let v = uriEnd + 1;
  while (line[v] === ' ') v++;
  const version = line.slice(v);
  leaf(t, F.version.name, version, `Request Version: ${version}`, off + v, version.length);
}

/** process_header: the header's own field (or a request/response line), and what it tells of the body. */
function header(c: Ctx, t: Field[], off: number, line: { len: number; next: number }, text: string, hdr: Headers, type: Kind): void {
  const d = c.d;
  const colon = text.indexOf(':');
  const name = text.slice(0, colon).toLowerCase();
  let v = colon + 1;
  while (text[v] === ' ' || text[v] === '\t') v++;
  const value = formatText(d, off + v, off + line.len);
  const full = formatText(d, off, line.next);
  const shown = labelText(full);
  // A message that is neither request nor response (the rest of one whose start was not seen): its unknown
  // headers are "http.unknown_header", its known ones have no line item.
  const lineField = type === 'response' ? F.responseLine.name : type ? F.requestLine.name : null;
  const field = HEADERS[name];
  if (!field) {
    const item = leaf(t, lineField ?? F.unknownHeader.name, full, shown, off, line.next - off);
    // An empty name, or one with bytes no token has: flagged, still shown.
    if (!validHeaderName(text.slice(0, colon))) expert(c, item.children, off, 'warning', 'protocol', 'Illegal characters found in header name', E.badHeaderName);
    return;
  }
  const item = leaf(t, field, value, shown, off, line.next - off);
  switch (name) {
    case 'content-length': {
      const raw = text.slice(v).trim();
      if (/^[+-]?\d+$/.test(raw)) {
        const n = Number(raw);
        hdr.contentLength = n;
        generated(item.children, F.contentLength.name, n, `Content length: ${n}`, off, line.next - off);
      }
      break;
    }
    case 'content-type': {
      hdr.contentType = text.slice(v).split(';')[0].trim().toLowerCase();
      break;
    }
    case 'transfer-encoding':
      if (text.slice(v).trim().toLowerCase() === 'chunked') hdr.chunked = true;
      break;
    case 'content-encoding':
      hdr.contentEncoding = text.slice(v).trim();
      break;
    case 'host':
      hdr.host = text.slice(v);
      break;
    case 'cookie': {
      let at = off + v;
      for (const raw of text.slice(v).split(';')) {
        const lead = raw.length - raw.replace(/^ +/, '').length;
        const pair = raw.slice(lead);
        if (pair) leaf(item.children, F.cookiePair.name, pair, labelNamed('Cookie pair', pair), at + lead, pair.length);
        at += raw.length + 1;
      }
      break;
    }
    case 'authorization': {
      const m = /^Basic +(\S+)/i.exec(text.slice(v));
      if (m) {
        const creds = base64Text(m[1]);
        if (creds !== null) leaf(item.children, F.authbasic.name, creds, `Credentials: ${creds}`, off + line.len, 0);
      }
      break;
    }
  }
  if (lineField) hide(leaf(t, lineField, full, shown, off, line.next - off));
}

function base64Text(s: string): string | null {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const out: number[] = [];
  let acc = 0, bits = 0;
  for (const ch of s) {
    if (ch === '=') break;
    const v = A.indexOf(ch);
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return formatText(Uint8Array.from(out));
}
