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
