// HTTP requests and responses of one TCP conversation, matched as packet-http.c does on tshark's single
// pass: a request starts an exchange; a response completes the latest one (or starts its own when that
// one was answered already). The tree shows "[HTTP request 2/2]", "[Prev request in frame: 4]",
// "[Request in frame: 6]", "[Time since request: …]" and the URI the response answers.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { hide, leaf, generated } from '../fields/tree';
import { labelNamed } from '../fields/format';
import type { Ctx } from './context';
import { timeBetween } from './frame';
import { dissectState } from './state';

const F = {
  request: defineField('http.request', 'Request', 'bool'),
  response: defineField('http.response', 'Response', 'bool'),
  requestNumber: defineField('http.request_number', 'Request number', 'uint'),
  responseNumber: defineField('http.response_number', 'Response number', 'uint'),
  fullUri: defineField('http.request.full_uri', 'Full request URI', 'string'),
  requestIn: defineField('http.request_in', 'Request in frame', 'uint'),
  time: defineField('http.time', 'Time since request', 'time'),
  prevRequest: defineField('http.prev_request_in', 'Prev request in frame', 'uint'),
  prevResponse: defineField('http.prev_response_in', 'Prev response in frame', 'uint'),
  responseFor: defineField('http.response_for.uri', 'Request URI', 'string'),
};
defineField('http.response_in', 'Response in frame', 'uint');
defineField('http.next_request_in', 'Next request in frame', 'uint');
defineField('http.next_response_in', 'Next response in frame', 'uint');

/** One request/response exchange. */
interface Exchange {
  number: number;
  reqFrame: number;
  resFrame: number;
  sec: number;
  nsec: number;
  method: string;
  uri: string;
  fullUri: string;
  code: number;
}

export interface HttpConversation {
  exchanges: Exchange[];
  /** The latest request's full URI (or its URI without a Host), which every later response names. */
  lastUri: string;
}

export function httpConversation(c: Ctx): HttpConversation {
  const st = dissectState(c.session);
  const stream = c.tcpStream ?? -1;
  let conv = st.http.get(stream);
  if (!conv) st.http.set(stream, (conv = { exchanges: [], lastUri: '' }));
  return conv;
}

/** Whether HTTP's heuristic claimed the segment's TCP conversation (its later segments go to HTTP). */
export function httpClaimed(c: Ctx): boolean {
  const claimed = dissectState(c.session).httpClaimed;
  return c.recall(() => (claimed.has(c.tcpStream ?? -1) ? 1 : 0)) === 1;
}

/** HTTP's heuristic claims the TCP conversation from this frame on (first pass). */
export function claimForHttp(c: Ctx): void {
  if (c.replay) return;
  const st = dissectState(c.session);
  st.httpClaimed.add(c.tcpStream ?? -1);
  // The conversation has one dissector: HTTP's heuristic replaces TLS's.
  const tls = st.tls.get(c.tcpStream ?? -1);
  if (tls) tls.claimed = false;
}

/** Whether the conversation carried HTTP before (then non-HTTP bytes are a "Continuation"). */
export function seenHttp(c: Ctx): boolean {
  return c.recall(() => (httpConversation(c).exchanges.length > 0 ? 1 : 0)) === 1;
}

/** The method of the latest request (a response to HEAD has no body), as the first pass saw it. */
export function lastMethod(c: Ctx): string {
  return c.recall(() => {
    const ex = httpConversation(c).exchanges;
    return ex.length ? ex[ex.length - 1].method : '';
  });
}

export interface RequestFacts {
  number: number;
  count: number;
  prevRequest: number;
  /** The exchange, on the first pass (its URIs are filled in once the headers are read). */
  exchange: Exchange | null;
}

/** A request line: starts an exchange (first pass). */
export function startRequest(c: Ctx, method: string): RequestFacts {
  let ex: Exchange | null = null;
  let conv: HttpConversation | null = null;
  const number = c.recall(() => {
    conv = httpConversation(c);
    ex = { number: conv.exchanges.length + 1, reqFrame: c.number, resFrame: 0, sec: c.raw.tsSec, nsec: c.raw.tsNsec, method, uri: '', fullUri: '', code: 0 };
    conv.exchanges.push(ex);
    return ex.number;
  });
  const count = c.recall(() => conv!.exchanges.length);
  const prevRequest = c.recall(() => (number > 1 ? conv!.exchanges[number - 2].reqFrame : 0));
  return { number, count, prevRequest, exchange: ex };
}

/** The request's URI and full URI once its headers are read (first pass). */
export function requestUris(c: Ctx, r: RequestFacts, uri: string, fullUri: string): void {
  if (r.exchange) {
    r.exchange.uri = uri;
    r.exchange.fullUri = fullUri;
    if (fullUri || uri) httpConversation(c).lastUri = fullUri || uri;
  }
}

export interface ResponseFacts {
  number: number;
  count: number;
  requestFrame: number;
  time: string;
  prevRequest: number;
  prevResponse: number;
  uri: string;
}

/** A status line: completes the latest exchange, or starts one (first pass). */
export function startResponse(c: Ctx, code: number): ResponseFacts {
  let ex: Exchange | null = null;
  let conv: HttpConversation | null = null;
  const number = c.recall(() => {
    conv = httpConversation(c);
    const list = conv.exchanges;
    ex = list.length ? list[list.length - 1] : null;
    if (!ex || (ex.resFrame > 0 && ex.code >= 200)) {
      ex = { number: list.length + 1, reqFrame: 0, resFrame: 0, sec: -1, nsec: 0, method: '', uri: '', fullUri: '', code: 0 };
      list.push(ex);
    }
    ex.resFrame = c.number;
    ex.code = code;
    return ex.number;
  });
  const e = (): Exchange => ex!;
  const prev = (): Exchange | null => (number > 1 ? conv!.exchanges[number - 2] : null);
  return {
    number,
    count: c.recall(() => conv!.exchanges.length),
    requestFrame: c.recall(() => e().reqFrame),
    time: c.recall(() => (e().sec >= 0 ? timeBetween(c.raw.tsSec, c.raw.tsNsec, e().sec, e().nsec) : '')),
    prevRequest: c.recall(() => prev()?.reqFrame ?? 0),
    prevResponse: c.recall(() => prev()?.resFrame ?? 0),
    uri: c.recall(() => conv!.lastUri),
  };
}

/** The generated items after a request's headers. */
export function requestItems(t: Field[], r: RequestFacts, fullUri: string): void {
  if (fullUri) generated(t, F.fullUri.name, fullUri, labelNamed('Full request URI', fullUri), 0, 0);
  hide(leaf(t, F.request.name, 1, 'Request: True', 0, 0));
  generated(t, F.requestNumber.name, r.number, `HTTP request ${r.number}/${r.count}`, 0, 0);
  if (r.prevRequest) generated(t, F.prevRequest.name, r.prevRequest, `Prev request in frame: ${r.prevRequest}`, 0, 0);
}

/** The generated items after a response's headers. */
export function responseItems(t: Field[], r: ResponseFacts): void {
  hide(leaf(t, F.response.name, 1, 'Response: True', 0, 0));
  generated(t, F.responseNumber.name, r.number, `HTTP response ${r.number}/${r.count}`, 0, 0);
  if (r.requestFrame && r.time) generated(t, F.time.name, r.time, `Time since request: ${r.time} seconds`, 0, 0);
  if (r.prevRequest) generated(t, F.prevRequest.name, r.prevRequest, `Prev request in frame: ${r.prevRequest}`, 0, 0);
  if (r.prevResponse) generated(t, F.prevResponse.name, r.prevResponse, `Prev response in frame: ${r.prevResponse}`, 0, 0);
  if (r.requestFrame) generated(t, F.requestIn.name, r.requestFrame, `Request in frame: ${r.requestFrame}`, 0, 0);
  if (r.uri) generated(t, F.responseFor.name, r.uri, labelNamed('Request URI', r.uri), 0, 0);
}
