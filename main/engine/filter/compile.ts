// Compiling a parsed filter against the field registry: unknown fields and ill-typed values are
// reported with their position, and the result is a predicate over decoded frames.
import { RE2JS } from 're2js';
import type { DecodedFrame, Field, FieldValue } from '../types';
import { lookupField, type FieldKind } from '../fields/registry';
import type { CmpOp, Literal, Node } from './ast';
import { FilterSyntaxError } from './lexer';
import {
  bytesCompare, bytesEqual, byteSearch, fieldComparable, parseBytes, parseInteger, parseIPv4, parseIPv6, utf8,
  type Comparable,
} from './values';

/** Fields Wireshark accepts as shorthands for "either of". */
const ALIASES: Record<string, string[]> = {
  'ip.addr': ['ip.src', 'ip.dst'],
  'ipv6.addr': ['ipv6.src', 'ipv6.dst'],
  'tcp.port': ['tcp.srcport', 'tcp.dstport'],
  'udp.port': ['udp.srcport', 'udp.dstport'],
  'eth.addr': ['eth.src', 'eth.dst'],
};

/** Protocol names usable on their own ("tcp", "!arp"), beyond those registered as protocol fields. */
const PROTOCOLS = new Set(['frame', 'eth', 'vlan', 'sll', 'null', 'loop', 'raw', 'ip', 'ipv6', 'arp', 'icmp', 'icmpv6', 'udp', 'tcp', 'http', 'data', 'dns', 'ipv6.hopopts', 'ipv6.routing', 'ipv6.fraghdr', 'ipv6.dstopts']);

/** What a predicate sees of one frame: occurrences by field name, the protocols present, optionally the bytes. */
export interface FrameView {
  values(name: string): FieldValue[];
  hasProtocol(name: string): boolean;
  /** Bytes of a protocol layer (for "tcp contains …"), when the caller has the frame's bytes. */
  protocolBytes(name: string): Uint8Array | null;
}

export type Predicate = (frame: FrameView) => boolean;

interface Resolved {
  names: string[];
  kind: FieldKind | 'protocol';
}

function resolve(field: string, start: number, end: number): Resolved {
  const alias = ALIASES[field];
  if (alias) return { names: alias, kind: lookupField(alias[0])?.kind ?? 'uint' };
  const def = lookupField(field);
  if (def) return { names: [field], kind: def.kind };
  if (PROTOCOLS.has(field)) return { names: [field], kind: 'protocol' };
  throw new FilterSyntaxError(`"${field}" is not a valid protocol or protocol field.`, start, end, 'unknown_field', { field });
}

type Value =
  | { t: 'num'; n: number }
  | { t: 'str'; s: string }
  | { t: 'bytes'; b: Uint8Array }
  | { t: 'v4'; addr: number; mask: number }
  | { t: 'v6'; addr: Uint8Array; bits: number };

/** The kinds of value a literal can fail to be, with their English names. */
const KINDS = { boolean: 'boolean (1, 0, True or False)', number: 'number', ipv4: 'IPv4 address', ipv6: 'IPv6 address', mac: 'Ethernet address', bytes: 'byte string' } as const;

function bad(lit: Literal, kind: keyof typeof KINDS): FilterSyntaxError {
  return new FilterSyntaxError(`"${lit.text}" is not a valid ${KINDS[kind]}.`, lit.start, lit.end, 'bad_value', { text: lit.text, kind });
}

function literalFor(kind: Resolved['kind'], lit: Literal, forContains = false): Value {
  const text = lit.text;
  switch (kind) {
    case 'uint': case 'int': case 'hex': case 'bool': {
      if (kind === 'bool' && /^true$/i.test(text)) return { t: 'num', n: 1 };
      if (kind === 'bool' && /^false$/i.test(text)) return { t: 'num', n: 0 };
      const n = parseInteger(text);
      if (n === null) throw bad(lit, kind === 'bool' ? 'boolean' : 'number');
      return { t: 'num', n };
    }
    case 'double': case 'time': {
      const n = Number(text);
      if (!Number.isFinite(n) || text.trim() === '') throw bad(lit, 'number');
      return { t: 'num', n };
    }
    case 'ipv4': {
      const [a, bits] = text.split('/');
      const addr = parseIPv4(a);
      const b = bits === undefined ? 32 : Number(bits);
      if (addr === null || !Number.isInteger(b) || b < 0 || b > 32) throw bad(lit, 'ipv4');
      const mask = b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0;
      return { t: 'v4', addr: (addr & mask) >>> 0, mask };
    }
    case 'ipv6': {
      const [a, bits] = text.split('/');
      const addr = parseIPv6(a);
      const b = bits === undefined ? 128 : Number(bits);
      if (!addr || !Number.isInteger(b) || b < 0 || b > 128) throw bad(lit, 'ipv6');
      return { t: 'v6', addr, bits: b };
    }
    case 'mac': case 'bytes': case 'none': case 'protocol': {
      if (lit.kind === 'string' && (forContains || kind !== 'mac')) return { t: 'bytes', b: utf8(text) };
      const b = parseBytes(text);
      if (!b) throw bad(lit, kind === 'mac' ? 'mac' : 'bytes');
      return { t: 'bytes', b };
    }
    default:
      return { t: 'str', s: text };
  }
}

function v6InPrefix(v: Uint8Array, p: Uint8Array, bits: number): boolean {
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const m = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((v[i] & m) !== (p[i] & m)) return false;
  }
  return true;
}

function equals(x: Comparable, v: Value): boolean {
  switch (v.t) {
    case 'num': return x === v.n;
    case 'str': return x === v.s;
    case 'bytes': return x instanceof Uint8Array && bytesEqual(x, v.b);
    case 'v4': return typeof x === 'number' && ((x & v.mask) >>> 0) === v.addr;
    case 'v6': return x instanceof Uint8Array && v6InPrefix(x, v.addr, v.bits);
  }
}

function order(x: Comparable, v: Value): number | null {
  if (v.t === 'num' && typeof x === 'number') return x - v.n;
  if (v.t === 'str' && typeof x === 'string') return x < v.s ? -1 : x > v.s ? 1 : 0;
  if (v.t === 'bytes' && x instanceof Uint8Array) return bytesCompare(x, v.b);
  if (v.t === 'v4' && typeof x === 'number') return x - v.addr;
  if (v.t === 'v6' && x instanceof Uint8Array) return bytesCompare(x, v.addr);
  return null;
}

/**
 * A frame's values as comparables, converted once per frame and field however often the filter names it:
 * a byte field's hex text was parsed again for each of a filter's tests (115 "tcp.payload contains" on
 * 1,000-byte payloads: 54 µs each, 3 minutes for 30,000 frames, on the server's thread).
 */
const converted = new WeakMap<FrameView, Map<string, Comparable[]>>();

function comparables(view: FrameView, r: Resolved): Comparable[] {
  const key = `${r.kind} ${r.names.join(' ')}`;
  let byKey = converted.get(view);
  if (!byKey) converted.set(view, (byKey = new Map()));
  let out = byKey.get(key);
  if (!out) byKey.set(key, (out = convert(view, r)));
  return out;
}

function convert(view: FrameView, r: Resolved): Comparable[] {
  const out: Comparable[] = [];
  for (const name of r.names) {
    for (const raw of view.values(name)) {
      const c = fieldComparable(r.kind === 'protocol' ? undefined : r.kind, raw);
      if (c !== null) out.push(c);
    }
  }
  return out;
}

function cmpPredicate(r: Resolved, op: CmpOp, v: Value): Predicate {
  const test = (x: Comparable): boolean => {
    switch (op) {
      case 'any_eq': case 'all_eq': case 'all_ne': case 'any_ne': return equals(x, v);
      case 'gt': { const o = order(x, v); return o !== null && o > 0; }
      case 'lt': { const o = order(x, v); return o !== null && o < 0; }
      case 'ge': { const o = order(x, v); return o !== null && o >= 0; }
      case 'le': { const o = order(x, v); return o !== null && o <= 0; }
    }
  };
  return (view) => {
    const xs = comparables(view, r);
    switch (op) {
      // As in Wireshark 4.0, a comparison on an absent field is false, "!=" included (use "!(a == b)").
      case 'all_ne': return xs.length > 0 && !xs.some(test);
      case 'all_eq': return xs.length > 0 && xs.every(test);
      case 'any_ne': return xs.some((x) => !test(x));
      default: return xs.some(test);
    }
  };
}

/** The field names (after alias expansion) a filter reads, so a frame's tree is walked only for them. */
export function fieldsOf(node: Node): Set<string> {
  const out = new Set<string>();
  const visit = (n: Node): void => {
    switch (n.type) {
      case 'or': case 'and': case 'xor': visit(n.left); visit(n.right); break;
      case 'not': visit(n.expr); break;
      default: for (const name of ALIASES[n.field] ?? [n.field]) out.add(name);
    }
  };
  visit(node);
  return out;
}

export function compile(node: Node): Predicate {
  switch (node.type) {
    case 'and': { const a = compile(node.left), b = compile(node.right); return (f) => a(f) && b(f); }
    case 'or': { const a = compile(node.left), b = compile(node.right); return (f) => a(f) || b(f); }
    case 'xor': { const a = compile(node.left), b = compile(node.right); return (f) => a(f) !== b(f); }
    case 'not': { const a = compile(node.expr); return (f) => !a(f); }
    case 'exists': {
      const r = resolve(node.field, node.start, node.end);
      if (r.kind === 'protocol') return (f) => f.hasProtocol(node.field) || f.values(node.field).length > 0;
      return (f) => r.names.some((n) => f.values(n).length > 0);
    }
    case 'cmp': {
      const r = resolve(node.field, node.start, node.start + node.field.length);
      if (r.kind === 'protocol') throw new FilterSyntaxError(`"${node.field}" is a protocol and cannot be compared with a value.`, node.start, node.end, 'protocol_compared', { field: node.field });
      return cmpPredicate(r, node.op, literalFor(r.kind, node.value));
    }
    case 'in': {
      const r = resolve(node.field, node.start, node.start + node.field.length);
      const tests = node.items.map((it) => {
        const lo = literalFor(r.kind, it.lo);
        if (!it.hi) return cmpPredicate(r, 'any_eq', lo);
        const hi = literalFor(r.kind, it.hi);
        return (f: FrameView) => comparables(f, r).some((x) => { const a = order(x, lo), b = order(x, hi); return a !== null && b !== null && a >= 0 && b <= 0; });
      });
      return (f) => tests.some((t) => t(f));
    }
    case 'contains': {
      const r = resolve(node.field, node.start, node.start + node.field.length);
      if (r.kind === 'string') {
        const needle = node.value.text;
        return (f) => r.names.some((n) => f.values(n).some((v) => typeof v === 'string' && v.includes(needle)));
      }
      const v = literalFor(r.kind === 'mac' || r.kind === 'bytes' || r.kind === 'none' || r.kind === 'protocol' ? r.kind : 'bytes', node.value, true);
      if (v.t !== 'bytes') throw new FilterSyntaxError(`"contains" needs a byte string or a quoted string.`, node.value.start, node.value.end, 'contains_value');
      const holds = byteSearch(v.b);
      if (r.kind === 'protocol') return (f) => { const b = f.protocolBytes(node.field); return b !== null && holds(b); };
      if (!['mac', 'bytes', 'none'].includes(r.kind)) throw new FilterSyntaxError(`"${node.field}" is not a string or byte field; "contains" cannot be used on it.`, node.start, node.end, 'contains_field', { field: node.field });
      return (f) => comparables(f, r).some((x) => x instanceof Uint8Array && holds(x));
    }
    case 'matches': {
      const r = resolve(node.field, node.start, node.start + node.field.length);
      // RE2's linear-time matching, not JavaScript's backtracking RegExp: a filter comes from any client
      // (a student's too) and runs on the server's thread, where "^(a+)+$" on a long field would hold
      // every client for hours. RE2 has no backreferences or lookaround; such a pattern is refused.
      let re: RE2JS;
      try { re = RE2JS.compile(node.value.text); } catch (e) {
        throw new FilterSyntaxError(`Invalid regular expression: ${(e as Error).message}`, node.value.start, node.value.end, 'bad_regex', { detail: (e as Error).message });
      }
      return (f) => r.names.some((n) => f.values(n).some((v) => v !== null && re.test(String(v))));
    }
  }
}

/** A FrameView over a decoded frame, collecting only the `wanted` fields in one walk. */
export function viewOf(frame: DecodedFrame, wanted: Set<string>, bytes?: Uint8Array, sources?: readonly Uint8Array[]): FrameView {
  const values = new Map<string, FieldValue[]>();
  /** Each protocol present, with the bytes of its first subtree (offset, length, in source: 0 the frame's). */
  const protocols = new Map<string, { offset: number; length: number; source: number }>();
  const walk = (items: Field[], source: number): void => {
    for (const f of items) {
      if (wanted.has(f.name)) {
        let list = values.get(f.name);
        if (!list) values.set(f.name, (list = []));
        list.push(f.value);
      }
      // Protocol subtrees inside another's (quoted in an ICMP error, an ICMP echo's data, IPv6 extension
      // headers) count as protocols present, as in Wireshark.
      const src = f.source ?? source;
      if (f.value === null && f.name && PROTOCOLS.has(f.name) && !protocols.has(f.name)) {
        protocols.set(f.name, { offset: f.offset, length: f.length, source: src });
      }
      if (f.children.length) walk(f.children, src);
    }
  };
  for (const layer of frame.layers) {
    if (!protocols.has(layer.protocol)) protocols.set(layer.protocol, { offset: layer.offset, length: layer.length, source: layer.source ?? 0 });
    // A top-level item that is a field (tcp.segments) has a value of its own.
    if (layer.value !== undefined && wanted.has(layer.protocol)) {
      let list = values.get(layer.protocol);
      if (!list) values.set(layer.protocol, (list = []));
      list.push(layer.value);
    }
    walk(layer.fields, layer.source ?? 0);
  }
  return {
    values: (name) => values.get(name) ?? [],
    hasProtocol: (name) => protocols.has(name),
    protocolBytes: (name) => {
      const p = protocols.get(name);
      if (!p) return null;
      // A protocol dissected from a reassembled buffer: its offsets are into that buffer.
      const from = p.source ? sources?.[p.source - 1] : bytes;
      return from ? from.subarray(p.offset, p.offset + p.length) : null;
    },
  };
}
