// Display-filter syntax and semantics on hand-built frames (the tshark comparison is in tshark.test.ts).
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../main/engine/filter/index';
import { defineField } from '../../main/engine/fields/registry';
import type { DecodedFrame, Field, FieldValue } from '../../main/engine/types';

// The fields these tests use, declared as the dissectors declare them.
defineField('ip.src', 'Source Address', 'ipv4');
defineField('ip.dst', 'Destination Address', 'ipv4');
defineField('tcp.srcport', 'Source Port', 'uint');
defineField('tcp.dstport', 'Destination Port', 'uint');
defineField('tcp.flags', 'Flags', 'hex', { digits: 4 });
defineField('tcp.flags.syn', 'Syn', 'bool');
defineField('eth.src', 'Source', 'mac');
defineField('tcp.payload', 'TCP payload', 'bytes');
defineField('http.request.method', 'Request Method', 'string');
defineField('ipv6.src', 'Source Address', 'ipv6');
defineField('ipv6.dst', 'Destination Address', 'ipv6');

const field = (name: string, value: FieldValue): Field => ({ name, value, display: '', offset: 0, length: 0, children: [] });

function frame(protocols: Record<string, [string, FieldValue][]>): DecodedFrame {
  return {
    frame: 1, time: '0.000000000', caplen: 0, len: 0, linktype: 1, interface: 0, stream: null,
    layers: Object.entries(protocols).map(([protocol, fields]) => ({
      protocol, title: protocol, osi: 4, tcpip: 4, offset: 0, length: 0, fields: fields.map(([n, v]) => field(n, v)),
    })),
    info: '', src: '', dst: '', protocol: '', analysis: [], malformed: false, expert: [], states: null, transitions: null,
  };
}

const syn = frame({
  eth: [['eth.src', '00:11:22:33:44:55']],
  ip: [['ip.src', '127.0.0.1'], ['ip.dst', '10.1.2.3']],
  tcp: [['tcp.srcport', 42926], ['tcp.dstport', 12345], ['tcp.flags', '0x0002'], ['tcp.flags.syn', 1], ['tcp.payload', '49276d']],
});
const arp = frame({ arp: [] });
const v6 = frame({ ipv6: [['ipv6.src', '::1'], ['ipv6.dst', 'fe80::1']] });

function matches(expr: string, f: DecodedFrame): boolean {
  const c = compileFilter(expr);
  if (!c.ok) throw new Error(`${expr}: ${c.error.message}`);
  return c.match(f);
}

describe('display filters', () => {
  it('tests field existence and protocols, with negation', () => {
    expect(matches('tcp', syn)).toBe(true);
    expect(matches('!arp', syn)).toBe(true);
    expect(matches('!arp', arp)).toBe(false);
    expect(matches('not tcp', arp)).toBe(true);
  });

  it('compares numbers, hex, booleans and aliases like Wireshark', () => {
    expect(matches('tcp.port == 12345', syn)).toBe(true);
    expect(matches('tcp.port == 80', syn)).toBe(false);
    // Since Wireshark 3.6 "a != b" is !(a == b): true only if no occurrence equals.
    expect(matches('tcp.port != 12345', syn)).toBe(false);
    expect(matches('tcp.port ~= 12345', syn)).toBe(true);
    expect(matches('tcp.flags == 0x02', syn)).toBe(true);
    expect(matches('tcp.flags.syn == 1 && ip.addr == 127.0.0.1', syn)).toBe(true);
    expect(matches('tcp.flags.syn == True', syn)).toBe(true);
    expect(matches('tcp.srcport > 40000 and tcp.dstport <= 12345', syn)).toBe(true);
    expect(matches('tcp.port in {80 443 12000..13000}', syn)).toBe(true);
    expect(matches('tcp.port in {80, 443}', syn)).toBe(false);
  });

  it('compares addresses, subnets, MACs, bytes and strings', () => {
    expect(matches('ip.dst == 10.0.0.0/8', syn)).toBe(true);
    expect(matches('ip.src == 10.0.0.0/8', syn)).toBe(false);
    expect(matches('eth.src == 00-11-22-33-44-55', syn)).toBe(true);
    expect(matches('tcp.payload contains "I\'m"', syn)).toBe(true);
    expect(matches('tcp.payload contains 27:6d', syn)).toBe(true);
    expect(matches('ipv6.addr == fe80::1', v6)).toBe(true);
    expect(matches('ipv6.src == ::/64', v6)).toBe(true);
  });

  it('honours precedence and parentheses', () => {
    expect(matches('arp || tcp && tcp.port == 80', syn)).toBe(false);
    expect(matches('(arp || tcp) && tcp.port == 12345', syn)).toBe(true);
    expect(matches('tcp ^^ arp', syn)).toBe(true);
  });

  it('reports errors with their position', () => {
    const cases: [string, RegExp, number][] = [
      ['tcp.prot == 1', /not a valid protocol or protocol field/, 0],
      ['tcp.port == ', /Unexpected end/, 12],
      ['tcp.port == abc', /not a valid number/, 12],
      ['ip.src == 300.1.1.1', /not a valid IPv4 address/, 10],
      ['(tcp', /Unexpected end/, 4],
      ['tcp &&& udp', /unexpected/, 6],
      ['http.request.method == "GET', /not terminated/, 23],
    ];
    for (const [expr, message, start] of cases) {
      const c = compileFilter(expr);
      expect(c.ok, expr).toBe(false);
      if (!c.ok) {
        expect(c.error.message, expr).toMatch(message);
        expect(c.error.start, expr).toBe(start);
      }
    }
  });

  it('matches runs in linear time: a pattern that makes a backtracking engine explode answers at once', { timeout: 5_000 }, () => {
    // "^(a+)+$" on "a"×30 then "!": JavaScript's RegExp takes about 2^30 steps (the server's only thread,
    // for tens of seconds, doubling with each "a"); RE2 walks the text once. A student may send any filter, so this is an attack, not a corner.
    const evil = frame({ http: [['http.request.method', `${'a'.repeat(30)}!`]] });
    expect(matches('http.request.method matches "^(a+)+$"', evil)).toBe(false);
    expect(matches('http.request.method matches "^(a+)+!$"', evil)).toBe(true);
    expect(matches('http.request.method matches "(?i)^A+"', evil)).toBe(true);
    // What RE2 cannot do in linear time (backreferences) is refused as an invalid expression, with its place.
    const c = compileFilter('http.request.method matches "(a)\\\\1"');
    expect(c.ok).toBe(false);
    if (!c.ok) expect([c.error.code, c.error.start]).toEqual(['bad_regex', 28]);
  });

  it('an empty filter keeps everything', () => {
    const c = compileFilter('  ');
    expect(c.ok && c.match(arp)).toBe(true);
  });
});
