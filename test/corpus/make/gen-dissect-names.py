#!/usr/bin/python3
"""Asks tshark for the names it shows for protocol numbers (IP protocols, Ethernet types, ICMP and ICMPv6
types and codes, TCP option kinds, DSCP code points, ARP hardware types, Linux cooked-capture address
types) and writes main/engine/dissect/names.ts. Every string is tshark's own answer for a crafted frame;
nothing is taken from Wireshark's sources.

usage: gen-dissect-names.py
"""
import json
import os
import re
import struct
import subprocess
import tempfile
import xml.etree.ElementTree as ET

here = os.path.dirname(os.path.abspath(__file__))
out_ts = os.path.normpath(os.path.join(here, '..', '..', '..', 'main', 'engine', 'dissect', 'names.ts'))
tmp = tempfile.mkdtemp()
env = dict(os.environ, WIRESHARK_CONFIG_DIR=tmp, LC_ALL='C')


def pcap(path, linktype, frames):
    out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype)]
    for i, f in enumerate(frames):
        out.append(struct.pack('<IIII', i, 0, len(f), len(f)) + f)
    open(path, 'wb').write(b''.join(out))


def shownames(frames, linktype, field):
    """showname of the first occurrence of `field` in each frame (None when absent)."""
    path = os.path.join(tmp, 'probe.pcap')
    pcap(path, linktype, frames)
    xml = subprocess.run(['tshark', '-r', path, '-n', '-T', 'pdml'], capture_output=True, env=env).stdout
    res = []
    for pkt in ET.fromstring(xml).iter('packet'):
        found = None
        for f in pkt.iter('field'):
            if f.get('name') == field:
                found = f.get('showname')
                break
        res.append(found)
    return res


def columns(frames, linktype, fields):
    path = os.path.join(tmp, 'probe.pcap')
    pcap(path, linktype, frames)
    args = ['tshark', '-r', path, '-n', '-T', 'fields', '-E', 'separator=\t']
    for f in fields:
        args += ['-e', f]
    out = subprocess.run(args, capture_output=True, text=True, env=env).stdout
    return [l.split('\t') for l in out.split('\n')[:-1]]


def named(showname, label):
    """'Protocol: TCP (6)' → 'TCP'; None for Unknown."""
    if showname is None:
        return None
    m = re.match(re.escape(label) + r': (.*) \((?:0x)?[0-9a-fA-F]+\)$', showname)
    if not m or m.group(1) == 'Unknown':
        return None
    return m.group(1)


def ipv4(proto, payload, tos=0):
    hdr = struct.pack('>BBHHHBBH4s4s', 0x45, tos, 20 + len(payload), 0, 0, 64, proto, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return hdr + payload


def ipv6(nxt, payload):
    return struct.pack('>IHBB16s16s', 0x60000000, len(payload), nxt, 64, bytes(15) + b'\1', bytes(15) + b'\2') + payload


tables = {}

# IP protocol numbers (ip.proto), raw IPv4 frames.
names = shownames([ipv4(p, b'\0') for p in range(256)], 228, 'ip.proto')
tables['IP_PROTOCOLS'] = {p: named(s, 'Protocol') for p, s in enumerate(names)}

# Ethernet types (eth.type).
types = list(range(0x0600, 0x10000))
names = shownames([bytes(12) + struct.pack('>H', t) + bytes(46) for t in types], 1, 'eth.type')
tables['ETHERTYPES'] = {t: named(s, 'Type') for t, s in zip(types, names)}

# DSCP code points (ip.dsfield.dscp long names; short names from the ip.dsfield summary).
frames = [ipv4(253, b'\0', tos=d << 2) for d in range(64)]
longs = shownames(frames, 228, 'ip.dsfield.dscp')
shorts = shownames(frames, 228, 'ip.dsfield')
tables['DSCP_NAMES'] = {d: (re.search(r'= Differentiated Services Codepoint: (.*) \(\d+\)$', s).group(1) if s else None) for d, s in enumerate(longs)}
tables['DSCP_SHORT'] = {d: (re.search(r'\(DSCP: (.*), ECN', s).group(1) if s else None) for d, s in enumerate(shorts)}

# TCP option kinds (tcp.option_kind): an option of each kind with length 2 after a SYN header.
def tcp_with_opt(kind):
    opt = bytes([kind, 2]) + b'\1\1'
    hdr = struct.pack('>HHIIBBHHH', 1, 2, 0, 0, (5 + len(opt) // 4) << 4, 0x02, 100, 0, 0) + opt
    return ipv4(6, hdr)
names = shownames([tcp_with_opt(k) for k in range(256)], 228, 'tcp.option_kind')
tables['TCP_OPTION_KINDS'] = {k: named(s, 'Kind') for k, s in enumerate(names)}

# ICMP types and codes: Info column and the type / code names.
def icmp(t, c):
    return ipv4(1, bytes([t, c, 0, 0]) + bytes(4) + bytes(28))
pairs = [(t, c) for t in range(256) for c in range(16)]
frames = [icmp(t, c) for t, c in pairs]
tnames = shownames(frames, 228, 'icmp.type')
cnames = shownames(frames, 228, 'icmp.code')
icmp_types, icmp_codes = {}, {}
for (t, c), tn, cn in zip(pairs, tnames, cnames):
    m = re.match(r'Type: \d+ \((.*)\)$', tn or '')
    if m and c == 0:
        icmp_types[t] = m.group(1)
    m = re.match(r'Code: \d+ \((.*)\)$', cn or '')
    if m:
        icmp_codes[f'{t}/{c}'] = m.group(1)
tables['ICMP_TYPES'] = icmp_types
tables['ICMP_CODES'] = icmp_codes

# ICMPv6 types and codes.
def icmp6(t, c):
    return ipv6(58, bytes([t, c, 0, 0]) + bytes(4) + bytes(40))
pairs = [(t, c) for t in range(256) for c in range(8)]
frames = [icmp6(t, c) for t, c in pairs]
tnames = shownames(frames, 229, 'icmpv6.type')
cnames = shownames(frames, 229, 'icmpv6.code')
types6, codes6 = {}, {}
for (t, c), tn, cn in zip(pairs, tnames, cnames):
    m = re.match(r'Type: (.*) \((\d+)\)$', tn or '')
    if m and c == 0 and m.group(1) != 'Unknown':
        types6[t] = m.group(1)
    m = re.match(r'Code: (.*) \((\d+)\)$', cn or '')
    if m and m.group(1) not in ('Unknown', 'Should always be zero'):
        codes6[f'{t}/{c}'] = m.group(1)
tables['ICMPV6_TYPES'] = types6
tables['ICMPV6_CODES'] = codes6

# ARP hardware types.
def arp(hrd):
    return bytes(12) + b'\x08\x06' + struct.pack('>HHBBH', hrd, 0x0800, 6, 4, 1) + bytes(20) + bytes(18)
hw = list(range(0, 300)) + [0xffff]
names = shownames([arp(h) for h in hw], 1, 'arp.hw.type')
tables['ARP_HW_TYPES'] = {h: named(s, 'Hardware type') for h, s in zip(hw, names)}

lines = [
    '// GENERATED by test/corpus/make/gen-dissect-names.py from tshark ' +
    subprocess.run(['tshark', '--version'], capture_output=True, text=True).stdout.split('\n')[0].split()[-1].rstrip('.') +
    "'s answers; do not edit.",
    '// The names tshark shows for protocol numbers, types and codes (only those it names).',
    '',
]
for name, table in tables.items():
    entries = {k: v for k, v in table.items() if v is not None}
    key_type = 'string' if any(isinstance(k, str) for k in entries) else 'number'
    lines.append(f'export const {name}: Readonly<Record<{key_type}, string>> = {{')
    for k, v in entries.items():
        key = json.dumps(k) if isinstance(k, str) else str(k)
        lines.append(f'  {key}: {json.dumps(v, ensure_ascii=False)},')
    lines.append('};')
    lines.append('')
open(out_ts, 'w').write('\n'.join(lines))
print('wrote', out_ts, {k: sum(1 for v in t.values() if v is not None) for k, t in tables.items()})
