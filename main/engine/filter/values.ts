// Turning field values and filter literals into comparable forms, per field kind.
import type { FieldValue } from '../types';
import type { FieldKind } from '../fields/registry';

export type Comparable = number | string | Uint8Array;

/** Parses an integer literal as Wireshark does: decimal, 0x hex, 0 octal, 0b binary. */
export function parseInteger(text: string): number | null {
  const t = text.trim();
  let m: RegExpMatchArray | null;
  if ((m = /^-?0x([0-9a-f]+)$/i.exec(t))) return (t.startsWith('-') ? -1 : 1) * parseInt(m[1], 16);
  if ((m = /^-?0b([01]+)$/i.exec(t))) return (t.startsWith('-') ? -1 : 1) * parseInt(m[1], 2);
  if (/^-?0[0-7]+$/.test(t)) return parseInt(t, 8);
  if (/^-?\d+$/.test(t)) return parseInt(t, 10);
  return null;
}

export function parseIPv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** IPv6 text → 16 bytes (accepts "::", embedded IPv4 tails). */
export function parseIPv6(text: string): Uint8Array | null {
  if (!/^[0-9a-f:.]+$/i.test(text) || !text.includes(':')) return null;
  let head = text, tail4: number | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
    if (tail4 === null) return null;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const a = parse(halves[0]), b = halves.length === 2 ? parse(halves[1]) : [];
  const groups = halves.length === 2 ? [...a, ...new Array(8 - a.length - b.length).fill('0'), ...b] : a;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { const n = parseInt(g, 16); out[2 * i] = n >> 8; out[2 * i + 1] = n & 255; });
  if (tail4 !== null) { out[12] = tail4 >>> 24; out[13] = (tail4 >>> 16) & 255; out[14] = (tail4 >>> 8) & 255; out[15] = tail4 & 255; }
  return out;
}

/** Byte strings: "aa:bb:cc", "aa-bb-cc", "aabb.ccdd", "aabbcc" → bytes. */
export function parseBytes(text: string): Uint8Array | null {
  const hex = text.replace(/[:\-.]/g, '');
  if (!/^([0-9a-f]{2})+$/i.test(hex)) {
    // A single byte may be written "a" in Wireshark ("eth.dst[0] == a"); not needed here.
    return null;
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A field's value in comparable form for its kind (numbers for numeric kinds, bytes for addresses/bytes). */
export function fieldComparable(kind: FieldKind | undefined, v: FieldValue): Comparable | null {
  if (v === null) return null;
  switch (kind) {
    case 'uint': case 'int': case 'bool': case 'double': case 'time':
      return typeof v === 'number' ? v : Number(v);
    case 'hex':
      return typeof v === 'number' ? v : parseInt(v, 16);
    case 'ipv4': {
      const n = typeof v === 'string' ? parseIPv4(v) : null;
      return n;
    }
    case 'ipv6':
      return typeof v === 'string' ? parseIPv6(v) : null;
    case 'mac':
      return typeof v === 'string' ? parseBytes(v) : null;
    case 'bytes': case 'none':
      return typeof v === 'string' ? hexToBytes(v) : null;
    default:
      return typeof v === 'number' ? v : v;
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function bytesCompare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * A search for `needle`, in time linear in the haystack's length (Knuth-Morris-Pratt, its table made once
 * per filter): a filter comes from any client and runs on the server's thread, and comparing the needle
 * afresh at every offset took 0.7 s a frame for 4,000 "a" then "b" in 64 KB of "a" (test/serve/filter-cost.test.ts).
 */
export function byteSearch(needle: Uint8Array): (hay: Uint8Array) => boolean {
  const m = needle.length;
  if (m === 0) return () => true;
  // border[j]: the length of the longest proper prefix of needle[0..j] that is also its suffix.
  const border = new Int32Array(m);
  for (let j = 1, k = 0; j < m; j++) {
    while (k > 0 && needle[j] !== needle[k]) k = border[k - 1];
    if (needle[j] === needle[k]) k++;
    border[j] = k;
  }
  return (hay) => {
    if (m > hay.length) return false;
    for (let i = 0, k = 0; i < hay.length; i++) {
      while (k > 0 && hay[i] !== needle[k]) k = border[k - 1];
      if (hay[i] === needle[k]) k++;
      if (k === m) return true;
    }
    return false;
  };
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
