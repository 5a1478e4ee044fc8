// Addresses decided by what they are, not by how they are written: 127.0.0.0/8 and ::1, also in their
// IPv4-mapped IPv6 forms (::ffff:127.0.0.3, ::ffff:7f00:3) and with a zone; "localhost" names them.
import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** True for a loopback address (or the name localhost). Anything that is not an address is not loopback. */
export function isLoopbackAddress(host: string | undefined | null): boolean {
  if (!host) return false;
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  h = h.replace(/%.*$/, '');
  if (h === 'localhost') return true;
  const v = isIP(h);
  if (v === 4) return loopback.check(h, 'ipv4');
  if (v === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return loopback.check(mapped[1], 'ipv4');
    return loopback.check(h, 'ipv6');
  }
  return false;
}

/**
 * The group a peer address counts in for every per-address limit (sessions, learners, the wrong-answer
 * back-off): an IPv6 address by its /64 prefix (one machine or home or classroom network gets a whole /64:
 * 20 addresses of one machine held 2,000 learners, fresh eyes), an IPv4-mapped IPv6 address as its IPv4
 * address, an IPv4 address as itself. Anything that is not an address is returned as it is.
 */
export function addressGroup(address: string): string {
  let h = address.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  h = h.replace(/%.*$/, '');
  const v = isIP(h);
  if (v === 4) return h;
  if (v !== 6) return address;
  const groups = ipv6Groups(h);
  if (!groups) return h;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (no zone, no brackets), or null. */
function ipv6Groups(address: string): number[] | null {
  // A trailing dotted IPv4 part (::ffff:10.0.0.5) is two groups.
  const h = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) =>
    `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const halves = h.split('::');
  if (halves.length > 2) return null;
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const out = [...head, ...new Array<number>(missing).fill(0), ...rest];
  return out.some((g) => !Number.isFinite(g)) ? null : out;
}
