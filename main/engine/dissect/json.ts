// JSON bodies as tshark 4.0's packet-json.c shows them (HTTP hands it application/json and a few other media
// types): the text is parsed as a sequence of top-level objects or arrays (tvbparse's grammar, whitespace
// skipped between tokens); only a whole top-level value makes items (Object, Array, "Member: key" with its
// value, its Key and generated Path, and for scalar values the generated "Path with value" / "Member with
// value"). What does not parse is handed to line-based text. Strings are unescaped as json_string_unescape
// does it, quirks included: a \u escape that ends the string adds nothing, a lone surrogate is one U+FFFD and
// swallows the next character, a byte that cannot start UTF-8 ends the string.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { add, generated, leaf } from '../fields/tree';
import { fieldText, formatText, isPrintable, labelNamed } from '../fields/format';
import type { Ctx } from './context';

const F = {
  object: defineField('json.object', 'Object', 'none'),
  array: defineField('json.array', 'Array', 'none'),
  member: defineField('json.member', 'Member', 'string'),
  key: defineField('json.key', 'Key', 'string'),
  path: defineField('json.path', 'Path', 'string'),
  pathWithValue: defineField('json.path_with_value', 'Path with value', 'string'),
  memberWithValue: defineField('json.member_with_value', 'Member with value', 'string'),
  string: defineField('json.value.string', 'String value', 'string'),
  number: defineField('json.value.number', 'Number value', 'string'),
  false: defineField('json.value.false', 'False value', 'none'),
  null: defineField('json.value.null', 'Null value', 'none'),
  true: defineField('json.value.true', 'True value', 'none'),
  nan: defineField('json.value.nan', 'NaN value', 'none'),
};
defineField('json', 'JavaScript Object Notation', 'protocol');

/** The media types packet-json.c registers for. */
export const JSON_MEDIA_TYPES = new Set([
  'application/json', 'application/senml+json', 'application/sensml+json', 'application/json-rpc', 'application/jsonrequest',
  'application/dds-web+json', 'application/vnd.oma.lwm2m+json', 'application/problem+json', 'application/merge-patch+json',
  'application/json-patch+json', 'application/x-ndjson',
]);

type Literal = 'false' | 'null' | 'true' | 'NaN';
type Node =
  | { kind: 'object'; off: number; end: number; members: Member[] }
  | { kind: 'array'; off: number; end: number; values: Node[] }
  | { kind: 'string' | 'number' | Literal; off: number; end: number };
interface Member { off: number; end: number; keyOff: number; keyEnd: number; value: Node }

/**
 * A grammar element as tvbparse has them: one character of a set, a run of characters in (or not in) a set,
 * a literal, a sequence, the first of alternatives that matches, or min..max repetitions. `node` names what a
 * packet-json.c callback makes of its match.
 */
type Want =
  | { t: 'char' | 'chars' | 'not'; set: Uint8Array; min: number; max: number; node?: undefined }
  | { t: 'lit'; text: string; node?: Node['kind'] }
  | { t: 'seq' | 'oneof'; elems: Want[]; node?: Node['kind'] | 'member' | 'value' }
  | { t: 'some'; min: number; max: number; sub: Want; node?: undefined };

/** A match: where it starts, how long it is (its non-empty parts), and the matches inside it. */
interface Tok { want: Want; off: number; len: number; subs: Tok[] }

function charSet(chars: string): Uint8Array {
  const set = new Uint8Array(256);
  for (const ch of chars) set[ch.charCodeAt(0)] = 1;
  return set;
}
// tvbparse_chars: a minimum of 0 means 1, a maximum of 0 no limit.
const chr = (chars: string): Want => ({ t: 'char', set: charSet(chars), min: 1, max: 1 });
const chars = (min: number, max: number, set: string): Want => ({ t: 'chars', set: charSet(set), min: min || 1, max: max || Infinity });
const seq = (node: Want['node'], ...elems: Want[]): Want => ({ t: 'seq', elems, node } as Want);
const oneof = (node: Want['node'], ...elems: Want[]): Want => ({ t: 'oneof', elems, node } as Want);
const some = (min: number, max: number, sub: Want): Want => ({ t: 'some', min, max, sub });
const optional = (sub: Want): Want => some(0, 1, sub);
const DIGITS = '0123456789';

/** packet-json.c's grammar (init_json_parser). */
function grammar(): { top: Want; ignore: Want } {
  const quot = chr('"');
  const str: Want = seq('string', quot,
    some(0, Infinity, oneof(undefined,
      { t: 'not', set: charSet('"\\'), min: 1, max: Infinity },
      seq(undefined, chr('\\'), oneof(undefined, chars(0, 1, '"\\/bfnrt'), seq(undefined, chr('u'), chars(4, 4, '0123456789abcdefABCDEF')))))),
    quot);
  const int = oneof(undefined, chr('0'), seq(undefined, chars(1, 1, '123456789'), optional(chars(0, 0, DIGITS))));
  const num = seq('number', optional(chars(0, 1, '-')), int,
    optional(seq(undefined, chr('.'), chars(1, 0, DIGITS))),
    optional(seq(undefined, chr('eE'), optional(chars(0, 1, '-+')), chars(1, 0, DIGITS))));
  const object: Want = { t: 'seq', elems: [], node: 'object' };
  const array: Want = { t: 'seq', elems: [], node: 'array' };
  const value = oneof('value', { t: 'lit', text: 'false', node: 'false' }, { t: 'lit', text: 'null', node: 'null' },
    { t: 'lit', text: 'true', node: 'true' }, { t: 'lit', text: 'NaN', node: 'NaN' }, object, array, num, str);
  array.elems.push(chr('['), optional(seq(undefined, value, some(0, Infinity, seq(undefined, chr(','), value)))), chr(']'));
  const member = seq('member', str, chr(':'), value);
  object.elems.push(chr('{'), optional(seq(undefined, member, some(0, Infinity, seq(undefined, chr(','), member)))), chr('}'));
  return { top: oneof(undefined, object, array), ignore: chars(1, 0, ' \t\r\n') };
}
const GRAMMAR = grammar();

/** tvbparse's recursion limit: a condition deeper than this fails (so does too deeply nested JSON). */
const MAX_DEPTH = 100;

/** tvbparse over [0, end) of `d`: whitespace (the ignore set) is skipped after each element of a sequence. */
class Parser {
  private depth = 0;
  constructor(private readonly d: Uint8Array, private readonly end: number) {}

  /** tvbparse_get: whitespace, then a top-level value; its match and where the parse goes on. */
  get(p: number): { tok: Tok; next: number } | null {
    const at = p + this.ignore(p);
    const r = this.match(GRAMMAR.top, at);
    return r ? { tok: r.tok!, next: at + r.len } : null;
  }

  private ignore(p: number): number {
    let len = 0;
    for (;;) {
      const r = this.match(GRAMMAR.ignore, p + len);
      if (!r || r.len <= 0) return len;
      len += r.len;
    }
  }

  private match(w: Want, p: number): { len: number; tok: Tok | null } | null {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      return null;
    }
    const r = this.cond(w, p);
    this.depth--;
    return r;
  }

  private cond(w: Want, p: number): { len: number; tok: Tok | null } | null {
    const d = this.d;
    switch (w.t) {
      case 'char':
        return p < this.end && w.set[d[p]] ? { len: 1, tok: { want: w, off: p, len: 1, subs: [] } } : null;
      case 'chars':
      case 'not': {
        if (p + w.min > this.end) return null;
        let n = 0;
        while (p + n < this.end && n < w.max && (w.set[d[p + n]] === 1) === (w.t === 'chars')) n++;
        return n < w.min ? null : { len: n, tok: { want: w, off: p, len: n, subs: [] } };
      }
      case 'lit': {
        if (p + w.text.length > this.end) return null;
        for (let i = 0; i < w.text.length; i++) if (d[p + i] !== w.text.charCodeAt(i)) return null;
        return { len: w.text.length, tok: { want: w, off: p, len: w.text.length, subs: [] } };
      }
      case 'oneof':
        for (const e of w.elems) {
          const r = this.match(e, p);
          if (r) return { len: r.len, tok: { want: w, off: r.tok ? r.tok.off : p, len: r.tok ? r.tok.len : 0, subs: r.tok ? [r.tok] : [] } };
        }
        return null;
      case 'seq': {
        const tok: Tok = { want: w, off: p, len: 0, subs: [] };
        let q = p;
        for (const e of w.elems) {
          const r = this.match(e, q);
          if (!r) return null;
          if (r.tok) {
            tok.subs.push(r.tok);
            if (r.tok.len) tok.len = r.tok.off - tok.off + r.tok.len;
          }
          q += r.len;
          q += this.ignore(q);
        }
        return { len: q - p, tok };
      }
      case 'some': {
        const tok: Tok = { want: w, off: p, len: 0, subs: [] };
        let q = p, n = 0;
        while (n < w.max) {
          const r = this.match(w.sub, q);
          if (!r) break;
          if (r.tok) {
            tok.subs.push(r.tok);
            if (r.tok.len) tok.len = r.tok.off - tok.off + r.tok.len;
          }
          q += r.len;
          n++;
          // (A repetition that takes nothing would repeat for ever.)
          if (r.len === 0) break;
        }
        return n < w.min ? null : { len: q - p, tok: n ? tok : null };
      }
    }
  }
}

/** The nodes packet-json.c's callbacks see, from a match. */
function toNode(tok: Tok): Node {
  // The first match inside that makes a node, depth first.
  const find = (t: Tok, kinds: string[]): Tok[] => {
    const out: Tok[] = [];
    const walk = (x: Tok) => {
      for (const s of x.subs) {
        if (s.want.node && kinds.includes(s.want.node)) out.push(s);
        else walk(s);
      }
    };
    walk(t);
    return out;
  };
  const kind = tok.want.node;
  if (kind === 'object') {
    const members = find(tok, ['member']).map((m) => {
      const key = m.subs[0];
      const value = toNode(m.subs[2]);
      return { off: m.off, end: m.off + m.len, keyOff: key.off, keyEnd: key.off + key.len, value };
    });
    return { kind: 'object', off: tok.off, end: tok.off + tok.len, members };
  }
  if (kind === 'array') return { kind: 'array', off: tok.off, end: tok.off + tok.len, values: find(tok, ['value']).map(toNode) };
  if (kind === 'value' || !kind) return toNode(tok.subs[0]);
  return { kind: kind as 'string', off: tok.off, end: tok.off + tok.len };
}

function isHex(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

function hexVal(b: number): number {
  return b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x57;
}

/** ws_utf8_char_len: how many bytes a UTF-8 sequence has from its lead byte (-1: none starts with it). */
function utf8Len(b: number): number {
  if (b >= 0xfe) return -1;
  if (b >= 0xfc) return 6;
  if (b >= 0xf8) return 5;
  if (b >= 0xf0) return 4;
  if (b >= 0xe0) return 3;
  if (b >= 0xc0) return 2;
  return 1;
}

const encoder = new TextEncoder();

/** json_string_unescape over [off, off + len): the bytes it makes. */
function unescape(d: Uint8Array, off: number, len: number): Uint8Array {
  const out: number[] = [];
  let i = 0;
  const at = (k: number) => d[off + k];
  while (i < len) {
    const ch = at(i);
    if (ch !== 0x5c) {
      const n = utf8Len(ch);
      if (n <= 0) break;
      for (let k = 0; k < n && i < len; k++) out.push(at(i++));
      continue;
    }
    i++;
    if (i >= len) break;
    const e = at(i);
    const simple: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9 };
    if (simple[e] !== undefined) {
      out.push(simple[e]);
      i++;
      continue;
    }
    // \uXXXX (the grammar allows nothing else here)
    i++;
    let cp = 0, valid = true;
    for (let k = 0; k < 4; k++) {
      if (i >= len || !isHex(at(i))) {
        valid = false;
        if (i < len) i++;
        break;
      }
      cp = cp * 16 + hexVal(at(i++));
    }
    if (valid && cp >= 0xd800 && cp <= 0xdbff) {
      if (i >= len) break;
      if (at(i) === 0x5c) {
        i++;
        if (i >= len) break;
        if (at(i) === 0x75) {
          i++;
          let trail = 0;
          for (let k = 0; k < 4; k++) {
            if (i >= len || !isHex(at(i))) {
              valid = false;
              if (i < len) i++;
              break;
            }
            trail = trail * 16 + hexVal(at(i++));
          }
          if (valid && trail >= 0xdc00 && trail <= 0xdfff) cp = 0x10000 + ((cp - 0xd800) << 10) + (trail - 0xdc00);
          else valid = false;
        } else {
          i++;
          valid = false;
        }
      } else {
        i++;
        valid = false;
      }
    } else if (valid && cp >= 0xdc00 && cp <= 0xdfff) valid = false;
    if (!valid) {
      out.push(0xef, 0xbf, 0xbd);
      continue;
    }
    // A printable character is added only when more of the string follows it (the bounds check is on the
    // read position, which no longer moves).
    if (cp <= 0x10ffff && isPrintable(cp) && i < len) for (const b of encoder.encode(String.fromCodePoint(cp))) out.push(b);
  }
  return Uint8Array.from(out);
}

const decoder = new TextDecoder();

/** An FT_STRING item from bytes: its -T fields value, and its text as the tree shows it. */
function strItem(t: Field[], def: { name: string; label: string }, b: Uint8Array, off: number, len: number, gen = false): Field {
  const text = formatText(b);
  const value = fieldText(decoder.decode(b));
  if (gen) return generated(t, def.name, value, labelNamed(def.label, text), off, len);
  return leaf(t, def.name, value, labelNamed(def.label, text), off, len);
}

function join(a: Uint8Array, sep: number, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + 1 + b.length);
  out.set(a);
  out[a.length] = sep;
  out.set(b, a.length + 1);
  return out;
}

const ARRAY_KEY = encoder.encode('[]');

/**
 * Values a body's JSON tree shows, at most, and bytes of generated paths: each value carries its whole path
 * ("json.path_with_value"), so a long key over many values cost key × values (a 120 KB body of one 40,000-byte
 * key over 40,000 zeros took hours, and a 200,000-element array 150 MB: fresh eyes). tshark shows them all.
 */
export const MAX_JSON_ITEMS = 20_000, MAX_JSON_PATH_BYTES = 8 << 20;

/** Emits a parsed top-level value as the callbacks of packet-json.c add its items. */
class Emitter {
  constructor(private readonly d: Uint8Array) {}

  /** Items and path bytes emitted so far, and whether the limits cut the tree. */
  private items = 0;
  private pathBytes = 0;
  cut = false;

  /** Whether one more item with a path of `n` bytes fits (MAX_JSON_ITEMS, MAX_JSON_PATH_BYTES). */
  private room(n: number): boolean {
    if (this.cut || ++this.items > MAX_JSON_ITEMS || (this.pathBytes += n) > MAX_JSON_PATH_BYTES) this.cut = true;
    return !this.cut;
  }

  node(t: Field[], n: Node, path: Uint8Array, key: Uint8Array): void {
    if ((n.kind === 'object' || n.kind === 'array') && !this.room(0)) return;
    if (n.kind === 'object') {
      const o = add(t, F.object, n.off, n.end - n.off, 1, 'Object');
      for (const m of n.members) this.member(o.children, m, path);
    } else if (n.kind === 'array') {
      const a = add(t, F.array, n.off, n.end - n.off, 1, 'Array');
      const inner = join(path, 0x2f, ARRAY_KEY);
      for (const v of n.values) this.node(a.children, v, inner, ARRAY_KEY);
    } else this.scalar(t, n, path, key);
  }

  private member(t: Field[], m: Member, base: Uint8Array): void {
    if (!this.room(base.length + m.keyEnd - m.keyOff)) return;
    const key = unescape(this.d, m.keyOff + 1, m.keyEnd - m.keyOff - 2);
    const item = strItem(t, F.member, key, m.off, m.end - m.off);
    const path = join(base, 0x2f, key);
    this.node(item.children, m.value, path, key);
    strItem(item.children, F.key, key, m.keyOff, m.keyEnd - m.keyOff);
    strItem(item.children, F.path, path, m.off, m.end - m.off, true);
  }

  private scalar(t: Field[], n: Node, path: Uint8Array, key: Uint8Array): void {
    const len = n.end - n.off;
    if (!this.room(path.length + len)) return;
    const value = n.kind === 'string' ? unescape(this.d, n.off + 1, len - 2) : this.d.slice(n.off, n.end);
    strItem(t, F.pathWithValue, join(path, 0x3a, value), n.off, len, true);
    strItem(t, F.memberWithValue, join(key, 0x3a, value), n.off, len, true);
    if (n.kind === 'string') strItem(t, F.string, value, n.off, len);
    else if (n.kind === 'number') strItem(t, F.number, value, n.off, len);
    else {
      const def = n.kind === 'NaN' ? F.nan : F[n.kind];
      add(t, def, n.off, len, 1, def.label);
    }
  }
}

/**
 * dissect_json over the body [off, end) of media type `type`: the values it parses, then what is left to
 * `rest` (line-based text), else the type in Info.
 */
export function dissectJson(c: Ctx, type: string, off: number, end: number, rest: (from: number) => void): void {
  c.setProtocol(c.protocol ? `${c.protocol}/JSON` : 'JSON');
  c.appendInfoSep(', ', 'JavaScript Object Notation');
  const h = c.open('json', 'JSON', `JavaScript Object Notation: ${type}`, 7, 5, off, end - off);
  const parser = new Parser(c.d, end);
  const emit = new Emitter(c.d);
  let p = off;
  for (;;) {
    const r = parser.get(p);
    if (!r) break;
    emit.node(h.fields, toNode(r.tok), new Uint8Array(0), new Uint8Array(0));
    // The whitespace after a value belongs to it (the sequence's last element skips it).
    p = r.next;
  }
  if (emit.cut) {
    const text = `Handshake Lab shows at most ${MAX_JSON_ITEMS} JSON values or ${MAX_JSON_PATH_BYTES >> 20} MB of their paths of a body: the rest are left out (tshark shows them all)`;
    leaf(h.fields, '', null, `[${text}]`, off, 0);
    c.addExpert('note', 'undecoded', text, '_ws.handshake_lab.json_limit');
  }
  h.length = p - off;
  if (p < end) rest(p);
  else c.appendInfo(` (${type})`);
}
