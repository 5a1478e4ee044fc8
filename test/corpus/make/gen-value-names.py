#!/usr/bin/python3
"""Asks tshark for the names it shows for DNS and HTTP values and writes main/engine/dissect/value-names.ts:
DNS types (the long names of the tree and the short ones of Info and titles), classes, opcodes, reply codes,
EDNS option codes, and HTTP status code descriptions. Value tables come from `tshark -G values`; the short DNS
type names and the HTTP descriptions (not attached to a field there) are read back from crafted packets.
Every string is tshark's own answer; nothing is taken from Wireshark's sources.

usage: gen-value-names.py
"""
import json
import os
import struct
import subprocess
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
out_ts = os.path.normpath(os.path.join(here, '..', '..', '..', 'main', 'engine', 'dissect', 'value-names.ts'))
tmp = tempfile.mkdtemp()
env = dict(os.environ, WIRESHARK_CONFIG_DIR=tmp, LC_ALL='C')


def tshark(*args):
    return subprocess.run(['tshark', *args], env=env, capture_output=True, text=True, check=True).stdout


def values(field):
    out = {}
    for line in tshark('-G', 'values').splitlines():
        p = line.split('\t')
        if len(p) >= 4 and p[0] == 'V' and p[1] == field:
            out.setdefault(int(p[2], 0), p[3])
    return out


def ranges(field):
    """A range table's rows (lo, hi, name), as `tshark -G values` lists them ('R' lines)."""
    out = []
    for line in tshark('-G', 'values').splitlines():
        p = line.split('\t')
        if len(p) >= 5 and p[0] == 'R' and p[1] == field:
            out.append((int(p[2], 0), int(p[3], 0), p[4]))
    return out


def ts_ranges(name, doc, rows):
    lines = [f'/** {doc} */', f'export const {name}: readonly (readonly [number, number, string])[] = [']
    for lo, hi, n in rows:
        lines.append(f'  [{lo}, {hi}, {json.dumps(n, ensure_ascii=False)}],')
    lines.append('];')
    return '\n'.join(lines)


def pcap(path, frames):
    """Raw IPv4 frames (LINKTYPE_RAW) in a classic pcap."""
    out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 101)]
    for i, f in enumerate(frames):
        out.append(struct.pack('<IIII', i, 0, len(f), len(f)) + f)
    open(path, 'wb').write(b''.join(out))


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff


def ipv4(proto, payload):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload


def udp(sport, dport, payload):
    return ipv4(17, struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload)


def tcp(sport, dport, payload):
    return ipv4(6, struct.pack('!HHIIBBHHH', sport, dport, 1, 1, 0x50, 0x18, 65535, 0, 0) + payload)


def dns_short_types(types):
    """Info reads "Standard query 0x0001 <SHORT> x": one query per known type."""
    frames = [udp(5000, 53, struct.pack('!HHHHHH', 1, 0x0100, 1, 0, 0, 0) + b'\x01x\x00' + struct.pack('!HH', t, 1)) for t in types]
    path = os.path.join(tmp, 'types.pcap')
    pcap(path, frames)
    infos = tshark('-r', path, '-n', '-T', 'fields', '-e', '_ws.col.Info').splitlines()
    out = {}
    for t, info in zip(types, infos):
        prefix = 'Standard query 0x0001 '
        assert info.startswith(prefix) and info.endswith(' x'), info
        out[t] = info[len(prefix):-2]
    return out


def http_status():
    """http.response.code.desc of a response with each code 100..599."""
    codes = list(range(100, 600))
    frames = [tcp(80, 20000 + c, b'HTTP/1.1 %d X\r\nContent-Length: 0\r\n\r\n' % c) for c in codes]  # a stream each
    path = os.path.join(tmp, 'http.pcap')
    pcap(path, frames)
    out = {}
    for c, d in zip(codes, tshark('-r', path, '-n', '-T', 'fields', '-e', 'http.response.code.desc').splitlines()):
        if d and not d.startswith('Unknown ('):
            out[c] = d
    return out


def ts_table(name, doc, table, key=int):
    lines = [f'/** {doc} */', f'export const {name}: Readonly<Record<number, string>> = {{']
    for k in sorted(table):
        lines.append(f'  {key(k)}: {json.dumps(table[k], ensure_ascii=False)},')
    lines.append('};')
    return '\n'.join(lines)


type_desc = values('dns.qry.type')
tables = [
    ts_table('DNS_TYPE_DESCRIPTIONS', 'dns.qry.type / dns.resp.type as the tree shows them ("A (Host Address)").', type_desc),
    ts_table('DNS_TYPE_NAMES', 'Short DNS type names of Info and record titles ("A", "CNAME").', dns_short_types(sorted(type_desc))),
    ts_table('DNS_CLASSES', 'dns.qry.class / dns.resp.class names.', values('dns.qry.class')),
    ts_table('DNS_OPCODES', 'dns.flags.opcode names.', values('dns.flags.opcode')),
    ts_table('DNS_RCODES', 'dns.flags.rcode names.', values('dns.flags.rcode')),
    ts_table('DNS_OPTION_CODES', 'EDNS option codes (dns.opt.code).', values('dns.opt.code')),
    ts_table('DNSSEC_ALGORITHMS', 'DNSSEC algorithm numbers (dns.opt.dau; the same table as dns.rrsig.algorithm, dns.dnskey.algorithm, dns.ds.algorithm, dns.cert.algorithm).', values('dns.opt.dau')),
    ts_table('DNSSEC_DIGESTS', 'DS digest types (dns.opt.dhu, as dns.ds.digest_type).', values('dns.opt.dhu')),
    ts_table('NSEC3_HASHES', 'NSEC3 hash algorithms (dns.opt.n3u, as dns.nsec3.algo).', values('dns.opt.n3u')),
    ts_table('DNS_SVCB_KEYS', 'SVCB/HTTPS SvcParamKey names (dns.svcb.svcparam.key).', values('dns.svcb.svcparam.key')),
    ts_table('TLSA_USAGES', 'TLSA certificate usages (dns.tlsa.certificate_usage).', values('dns.tlsa.certificate_usage')),
    ts_table('TLSA_SELECTORS', 'TLSA selectors (dns.tlsa.selector).', values('dns.tlsa.selector')),
    ts_table('TLSA_MATCHING', 'TLSA matching types (dns.tlsa.matching_type).', values('dns.tlsa.matching_type')),
    ts_table('SSHFP_ALGORITHMS', 'SSHFP key algorithms (dns.sshfp.algorithm).', values('dns.sshfp.algorithm')),
    ts_table('SSHFP_FINGERPRINTS', 'SSHFP fingerprint types (dns.sshfp.fingerprint.type).', values('dns.sshfp.fingerprint.type')),
    ts_table('CERT_TYPES', 'CERT record certificate types (dns.cert.type).', values('dns.cert.type')),
    ts_ranges('DNS_EXT_ERRORS', 'Extended DNS Error info codes (dns.opt.ext_error.info_code), by range.', ranges('dns.opt.ext_error.info_code')),
    ts_table('HTTP_STATUS', 'http.response.code.desc by status code.', http_status()),
]
version = tshark('--version').splitlines()[0]
head = f'// Generated by test/corpus/make/gen-value-names.py from {version}: do not edit.\n'
open(out_ts, 'w').write(head + '\n\n'.join(tables) + '\n')
print('wrote', out_ts)
