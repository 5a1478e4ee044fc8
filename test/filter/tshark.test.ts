// The display-filter engine against tshark -Y: the same frames must pass, on every corpus capture.
import { describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileFilter } from '../../main/engine/filter/index';
import { decodeFile, rawFrames } from '../helpers/decode';
import { hasTshark, tshark, tsharkRun } from '../helpers/tshark';

const CORPUS = join(import.meta.dirname, '..', 'corpus');

/** Every capture file under test/corpus (recursively), except the deliberately broken ones. */
function captures(dir = CORPUS): string[] {
  let out: string[] = [];
  let entries: string[] = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(captures(p));
    else if (/\.(pcap|pcapng|cap)$/.test(e) && !/(truncat|damag|bad-magic|empty|malformed)/i.test(e)) out.push(p);
  }
  return out.sort();
}

const FILTERS = [
  'tcp', '!arp', 'udp || icmp', 'tcp.port == 12345', 'tcp.flags.syn == 1 && ip.addr == 127.0.0.1',
  'tcp.flags.syn == 1 && tcp.flags.ack == 0', 'tcp.flags.fin == 1', 'tcp.flags.reset == 1', 'tcp.len > 0',
  'tcp.analysis.retransmission', 'tcp.analysis.duplicate_ack', 'tcp.analysis.flags', 'tcp.stream == 1',
  'ip.src == 127.0.0.0/8', 'ipv6.addr == ::1', 'tcp.window_size < 1000', 'tcp.seq == 1', 'tcp.ack == 1',
  'eth.type == 0x0800', 'frame.len >= 100', 'tcp.options.mss_val == 65495', 'tcp.port in {80, 443, 8000..9000, 12345}',
  'tcp.payload contains "TCP"', 'not tcp.port == 12345', 'tcp.srcport != 12345', 'ip.ttl < 64', 'vlan.id == 10',
];

/** Filters on what reassembly, DNS and HTTP add, compared on the captures that carry them. */
const PROTOCOL_FILTERS = [
  'dns', 'dns.flags.response == 1', 'dns.qry.name == "www.example.org"', 'dns.a', 'dns.qry.type == 28', 'http',
  'http.request.method == "GET"', 'http.response.code == 200', 'http.request', 'tcp.segments', 'tcp.reassembled.length > 100',
  'ip.fragment', 'ipv6.fragment', 'udp.length > 1500',
  // Regular expressions (RE2 here, PCRE2 in tshark: the same on what both support).
  'http.request.uri matches "^/[a-z]"', 'dns.qry.name matches "(?i)EXAMPLE\\\\.(org|com)$"', 'http.host matches "^(local|127)"',
];
const PROTOCOL_KINDS = /(reasm\/(frag-udp4|frag-udp6|dns-records|dns-tcp|http-split|http-chunked)|noise\/(dns|http)|tcp\/ipv6-ext)/;

// One tshark run per (file, filter) costs ~0.3 s: compare on the captures that differ in kind (the
// lab, every noise protocol, the TCP analysis cases, tags and loopback links), not on every variant
// of the same traffic in another file format.
const KINDS = /(lab\/|noise\/|tcp\/(lossy-sim|lossy-dup|zero-window|keepalive|port-reuse|arp|seq-wrap|rst-states|syn-data-options|ipv6-ext)|link\/(vlan|qinq|null-ipv4|raw-101))/;

/** Protocols whose subtree sits inside another's (ICMP echo data, IPv6 extension headers), by name and by bytes. */
const NESTED: [string, string][] = [
  ['noise/ping4.pcap', 'data contains "Handshake"'], ['noise/ping6.pcap', 'data.len == 21'],
  ['tcp/ipv6-ext.pcap', 'ipv6.hopopts'], ['tcp/ipv6-ext.pcap', 'ipv6.dstopts contains 01:04'],
];

/**
 * Expert names as tshark 4.0 spells them (filtering on an expert finds the frames that raised it), each on a capture
 * where tshark finds it; and names it does not know, which it refuses (some were ours before).
 */
const EXPERTS: [string, string][] = [
  ['lab/ipv4-3seg.pcap', 'tcp.connection.synack'], ['bad/malformed.pcap', 'ipv6.invalid_header'],
  ['tcp/icmp-short-quotes.pcap', 'ipv6.invalid_header'], ['bad/malformed.pcap', 'ipv6.plen_exceeds_framing'],
  ['tcp/icmp-bad-checksum.pcap', 'icmpv6.checksum_bad.expert'], ['tcp/icmp-bad-checksum.pcap', 'icmp.checksum_bad'],
];
const NOT_FIELDS = ['tcp.connection.sack', 'ipv6.bogus_ipv6_length', 'ipv6.bogus_payload_length'];

describe.skipIf(!hasTshark())('display filters equal tshark -Y', () => {
  const files = captures().filter((f) => KINDS.test(f) || PROTOCOL_KINDS.test(f));
  it('has captures to compare', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it('finds protocols nested in another\'s subtree, by name and by bytes', () => {
    for (const [name, expr] of NESTED) {
      const file = join(CORPUS, name);
      const c = compileFilter(expr);
      if (!c.ok) throw new Error(`${expr}: ${c.error.message}`);
      const raws = rawFrames(file);
      const ours = decodeFile(file).filter((f, i) => c.match(f, raws[i].data)).map((f) => f.frame);
      const theirs = tshark(['-n', '-r', file, '-Y', expr, '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).map(Number);
      expect(ours, `${expr} on ${name}`).toEqual(theirs);
      expect(theirs.length, `${expr} on ${name} matches something`).toBeGreaterThan(0);
    }
  });
  it('knows expert names as tshark does', () => {
    for (const [name, expr] of EXPERTS) {
      const file = join(CORPUS, name);
      const c = compileFilter(expr);
      if (!c.ok) throw new Error(`${expr}: ${c.error.message}`);
      const ours = decodeFile(file).filter((f) => c.match(f)).map((f) => f.frame);
      const theirs = tshark(['-n', '-r', file, '-Y', expr, '-T', 'fields', '-e', 'frame.number']).split('\n').filter(Boolean).map(Number);
      expect(ours, `${expr} on ${name}`).toEqual(theirs);
      expect(theirs.length, `${expr} on ${name} matches something`).toBeGreaterThan(0);
    }
    const file = join(CORPUS, 'lab/ipv4-3seg.pcap');
    for (const expr of NOT_FIELDS) {
      expect(compileFilter(expr).ok, expr).toBe(false);
      expect(tsharkRun(['-n', '-r', file, '-Y', expr]).status, `tshark refuses ${expr}`).not.toBe(0);
    }
  });
  for (const file of files) {
    it(file.slice(CORPUS.length + 1), () => {
      const frames = decodeFile(file);
      for (const expr of [...(KINDS.test(file) ? FILTERS : []), ...(PROTOCOL_KINDS.test(file) ? PROTOCOL_FILTERS : [])]) {
        const c = compileFilter(expr);
        if (!c.ok) throw new Error(`${expr}: ${c.error.message}`);
        const ours = frames.filter((f) => c.match(f)).map((f) => f.frame);
        const out = tshark(['-n', '-r', file, '-Y', expr, '-T', 'fields', '-e', 'frame.number']);
        const theirs = out.split('\n').filter(Boolean).map(Number);
        expect(ours, `${expr} on ${file}`).toEqual(theirs);
      }
    });
  }
});
