// What the dissectors remember between frames of one capture (Wireshark's per-capture conversation
// data outside TCP): previous frame time, UDP conversations, ICMP echo requests, IPv4 fragments,
// HTTP messages waiting for their body. Kept beside the Session (a WeakMap), so the Session type stays
// the lead's and a new session starts clean.
import type { Session } from '../session';
import type { Pending } from './fragments';
import type { DnsTransaction } from './dns-track';

export interface DissectState {
  /** Timestamp of the previous frame that had one (frame.time_delta). */
  prevSec: number;
  prevNsec: number;
  hasPrev: boolean;
  /** udp.stream by conversation key. */
  udpStreams: Map<string, number>;
  /** ICMP / ICMPv6 echo requests by "proto|src|dst|id|seq" → frame number (and time for resptime). */
  echoRequests: Map<string, { frame: number; sec: number; nsec: number }>;
  /** IPv4 fragments being reassembled, by "src|dst|proto|id". */
  ipFragments: Map<string, Pending>;
  /** IPv6 fragments being reassembled, by "src|dst|id". */
  ip6Fragments: Map<string, Pending>;
  /** The latest DNS transaction by protocol, conversation and ID (dns.response_to, dns.time, retransmissions). */
  dnsQueries: Map<string, DnsTransaction>;
  /** HTTP over TCP: per stream and direction, a message whose body is still arriving. */
  http: Map<string, HttpPending>;
  /** HTTP request frames per TCP stream, for http.request_in / http.response_for.uri. */
  httpRequests: Map<number, HttpRequestInfo[]>;
}

export interface HttpPending {
  /** Bytes of the message so far (headers and body). */
  data: Uint8Array[];
  have: number;
  /** Total length the message needs (headers + Content-Length). */
  need: number;
  /** Expected next relative sequence number of the direction. */
  nextSeq: number;
  frames: number[];
}

export interface HttpRequestInfo {
  frame: number;
  uri: string;
  host: string;
  sec: number;
  nsec: number;
  answered: boolean;
}

const states = new WeakMap<Session, DissectState>();

export function dissectState(session: Session): DissectState {
  let s = states.get(session);
  if (!s) {
    s = {
      prevSec: 0, prevNsec: 0, hasPrev: false,
      udpStreams: new Map(), echoRequests: new Map(), ipFragments: new Map(), ip6Fragments: new Map(),
      dnsQueries: new Map(), http: new Map(), httpRequests: new Map(),
    };
    states.set(session, s);
  }
  return s;
}
