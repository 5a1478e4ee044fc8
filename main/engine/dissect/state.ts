// What the dissectors remember between frames of one capture (Wireshark's per-capture conversation
// data outside TCP): previous frame time, UDP conversations, ICMP echo requests, IPv4 fragments,
// HTTP messages waiting for their body. Kept beside the Session (a WeakMap), so the Session type stays
// the lead's and a new session starts clean.
import type { Session } from '../session';
import type { Pending } from './fragments';
import type { DnsTransaction } from './dns-track';
import type { MspTable } from './tcp-desegment';
import type { HttpConversation } from './http-track';
import { newMptcpState, type MptcpState } from './tcp-mptcp';
import type { TlsSession } from './tls-session';

export interface DissectState {
  /** Timestamp of the previous frame that had one (frame.time_delta). */
  prevSec: number;
  prevNsec: number;
  hasPrev: boolean;
  /** UDP conversations by key: udp.stream, and the times udp.time_relative / udp.time_delta count from. */
  udpStreams: Map<string, UdpConversation>;
  /** ICMP / ICMPv6 echo requests by "proto|src|dst|id|seq" → frame number (and time for resptime). */
  echoRequests: Map<string, { frame: number; sec: number; nsec: number }>;
  /** IPv4 fragments being reassembled, by "src|dst|proto|id". */
  ipFragments: Map<string, Pending>;
  /** IPv6 fragments being reassembled, by "src|dst|id". */
  ip6Fragments: Map<string, Pending>;
  /** The latest DNS transaction by protocol, conversation and ID (dns.response_to, dns.time, retransmissions). */
  dnsQueries: Map<string, DnsTransaction>;
  /** TCP desegmentation: the multi-segment PDU of each stream direction. */
  tcpPdus: MspTable;
  /** HTTP per TCP stream: requests and responses (numbers, links, times). */
  http: Map<number, HttpConversation>;
  /** TCP streams HTTP's heuristic claimed. */
  httpClaimed: Set<number>;
  /** Multipath TCP connections and the TCP streams (subflows) that belong to them. */
  mptcp: MptcpState;
  /** TLS per TCP stream: the version, the server's side, where each side changed cipher spec. */
  tls: Map<number, TlsSession>;
}

export interface UdpConversation {
  stream: number;
  /** The frame that created the conversation (a quoted header too), and the last top-level datagram with a payload. */
  firstSec: number;
  firstNsec: number;
  prevSec: number;
  prevNsec: number;
}

const states = new WeakMap<Session, DissectState>();

export function dissectState(session: Session): DissectState {
  let s = states.get(session);
  if (!s) {
    s = {
      prevSec: 0, prevNsec: 0, hasPrev: false,
      udpStreams: new Map(), echoRequests: new Map(), ipFragments: new Map(), ip6Fragments: new Map(),
      dnsQueries: new Map(), tcpPdus: new Map(), http: new Map(), httpClaimed: new Set(), mptcp: newMptcpState(), tls: new Map(),
    };
    states.set(session, s);
  }
  return s;
}
