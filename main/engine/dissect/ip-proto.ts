// The IP protocol number (ip.proto / ipv6.nxt) and the dissector it selects.
import type { Ctx } from './context';
import { dissectTcp } from './tcp';
import { dissectUdp } from './udp';
import { dissectIcmp } from './icmp';
import { dissectIcmpv6 } from './icmpv6';
import { dissectData } from './payload';
import { dissectIpv4 } from './ipv4';
import { dissectIpv6 } from './ipv6';

/** Names as Wireshark's ipproto_val (the common ones). */
const NAMES: Record<number, string> = {
  0: 'IPv6 Hop-by-Hop Option', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 8: 'EGP', 9: 'IGRP', 17: 'UDP',
  27: 'RDP', 33: 'DCCP', 41: 'IPv6', 43: 'IPv6 Routing', 44: 'IPv6 Fragment', 46: 'RSVP', 47: 'Generic Routing Encapsulation',
  50: 'Encap Security Payload', 51: 'Authentication Header', 58: 'ICMPv6', 59: 'IPv6 No Next Header',
  60: 'IPv6 Destination Options', 88: 'EIGRP', 89: 'OSPF IGP', 103: 'PIM', 112: 'Virtual Router Redundancy Protocol',
  115: 'Layer 2 Tunneling Protocol', 132: 'SCTP', 135: 'Mobile IPv6', 136: 'UDPLite', 137: 'MPLS in IP',
  139: 'Host Identity Protocol', 140: 'Shim6 Protocol', 143: 'Ethernet',
};

export function ipProtoName(p: number): string {
  return NAMES[p] ?? 'Unknown';
}

/** Hands the IP payload [off, end) to the protocol `proto` names; unknown ones become data. */
export function dissectIpPayload(c: Ctx, proto: number, off: number, end: number): void {
  switch (proto) {
    case 6: dissectTcp(c, off, end); return;
    case 17: dissectUdp(c, off, end); return;
    case 1: dissectIcmp(c, off, end); return;
    case 58: dissectIcmpv6(c, off, end); return;
    case 4: dissectIpv4(c, off, end); return;
    case 41: dissectIpv6(c, off, end); return;
    default:
      if (off >= end) return;
      c.setInfo(`${ipProtoName(proto)} (${proto})`);
      dissectData(c, off, end);
  }
}
