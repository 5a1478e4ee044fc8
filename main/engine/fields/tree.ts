// Building protocol trees: every item carries its name, value, display text, offset and length.
import type { Field, FieldValue } from '../types';
import type { FieldDef } from './registry';
import { hex } from './format';

/**
 * decode --fields, tshark -T fields' way: while a sink is set, no tree is built. Each item a
 * dissector adds only hands its value to the sink (kept when its field is wanted, in tree order)
 * and gets a throwaway placeholder back, so display texts and objects are never made.
 */
export class FieldSink {
  private readonly slotOf = new Map<string, number>();
  private readonly slots: FieldValue[][] = [];
  /** Values per slot in this frame: reset by zeroing counts (no array is shrunk or reallocated per frame). */
  private readonly counts: Int32Array;
  private readonly under = new Map<string, boolean>();

  constructor(readonly names: readonly string[]) {
    for (const n of names) {
      if (this.slotOf.has(n)) continue;
      this.slotOf.set(n, this.slots.length);
      this.slots.push([]);
    }
    this.counts = new Int32Array(this.slots.length);
  }

  /** Whether any wanted field's name starts with `prefix` (callers skip whole subtrees nobody asked for). */
  wantsUnder(prefix: string): boolean {
    let yes = this.under.get(prefix);
    if (yes === undefined) this.under.set(prefix, (yes = this.names.some((n) => n.startsWith(prefix))));
    return yes;
  }

  /** Whether a field's values are kept (callers skip computing values nobody asked for). */
  wants(name: string): boolean {
    return this.slotOf.has(name);
  }

  put(name: string, value: FieldValue): void {
    const i = this.slotOf.get(name);
    if (i === undefined) return;
    const at = this.insertAt;
    if (at === null) {
      this.slots[i][this.counts[i]++] = value;
      return;
    }
    // Inserting at a mark: shift the values after it (items a dissector adds late to an earlier subtree).
    const arr = this.slots[i];
    const pos = at[i]++;
    for (let k = this.counts[i]; k > pos; k--) arr[k] = arr[k - 1];
    arr[pos] = value;
    this.counts[i]++;
  }

  /** Where each slot's next value would go now (see atMark). */
  mark(): Int32Array {
    return this.counts.slice();
  }

  /** While set, put() inserts each slot's values at these positions (advancing them) instead of appending. */
  insertAt: Int32Array | null = null;

  /** The slot of a wanted field, for count() and value(); -1 when not wanted. */
  slot(name: string): number {
    return this.slotOf.get(name) ?? -1;
  }

  /** How many values the slot holds in this frame (0 for slot -1). */
  count(slot: number): number {
    return slot < 0 ? 0 : this.counts[slot];
  }

  value(slot: number, j: number): FieldValue {
    return this.slots[slot][j];
  }

  /** This frame's values of a wanted field, in tree order (a copy). */
  values(name: string): FieldValue[] {
    const i = this.slot(name);
    return i < 0 ? [] : this.slots[i].slice(0, this.counts[i]);
  }

  clear(): void {
    this.counts.fill(0);
  }
}

let sink: FieldSink | null = null;
const PLACEHOLDER: Field = { name: '', value: null, display: '', offset: 0, length: 0, children: [] };

/** Runs `fn` with every item collected into `into` instead of built (see FieldSink). */
export function collecting<T>(into: FieldSink, fn: () => T): T {
  const before = sink;
  sink = into;
  try {
    return fn();
  } finally {
    sink = before;
  }
}

/** The sink's current positions while collecting (null when a tree is built): see atMark. */
export function sinkMark(): Int32Array | null {
  return sink ? sink.mark() : null;
}

/**
 * Runs `fn` so that the values it collects land at `mark` (taken earlier with sinkMark), not after what was
 * collected since: items added late to an earlier subtree (an Ethernet trailer, added after the payload was
 * dissected) keep tree order, as tshark -T fields prints it. With a tree (mark null), just runs `fn`.
 */
export function atMark<T>(mark: Int32Array | null, fn: () => T): T {
  if (!sink || !mark) return fn();
  const s = sink;
  const before = s.insertAt;
  s.insertAt = mark;
  try {
    return fn();
  } finally {
    s.insertAt = before;
  }
}

/** True while items are collected, not built: dissectors may then skip work only the tree shows. */
export function treeless(): boolean {
  return sink !== null;
}

/** True when no field under `prefix` is wanted while collecting: a subtree's items may be skipped. */
export function unwantedUnder(prefix: string): boolean {
  return sink !== null && !sink.wantsUnder(prefix);
}

/** True when a field's value would be thrown away (collecting, and not wanted): skip computing it. */
export function unwanted(name: string): boolean {
  return sink !== null && !sink.wants(name);
}

/** Hands the sink a value its item did not have when added (frame.protocols, a quoted protocol's item). */
export function collectLate(name: string, value: FieldValue): void {
  sink?.put(name, value);
}

function skipped(name: string, value: FieldValue): Field {
  sink!.put(name, value);
  // Callers may hang children (expert items) on what they get back, or extend its text (`display +=`):
  // keep the placeholder empty, or it would grow with every frame.
  if (PLACEHOLDER.children.length) PLACEHOLDER.children = [];
  PLACEHOLDER.display = '';
  return PLACEHOLDER;
}

/** Display text for a value of a registered field, Wireshark style ("Type: IPv4 (0x0800)"). */
export function displayOf(def: FieldDef, value: FieldValue, suffix = ''): string {
  if (value === null) return def.label + suffix;
  let v: string;
  const named = def.names && typeof value === 'number' ? def.names[value] : undefined;
  switch (def.kind) {
    case 'hex':
      v = typeof value === 'number' ? hex(value, def.digits ?? 2) : value;
      if (named !== undefined) v = `${named} (${v})`;
      break;
    case 'bool':
      v = value ? 'Set' : 'Not set';
      break;
    default:
      v = named !== undefined ? `${named} (${value})` : String(value);
  }
  return `${def.label}: ${v}${suffix}`;
}

/** The value as tshark -T fields prints it, for a registered field given a raw number. */
export function valueOf(def: FieldDef, raw: number): FieldValue {
  switch (def.kind) {
    case 'hex': return hex(raw, def.digits ?? 2);
    case 'bool': return raw ? 1 : 0;
    default: return raw;
  }
}

/** Adds an item of a registered field to `tree` and returns it (so children can be added). */
export function add(tree: Field[], def: FieldDef, offset: number, length: number, value: FieldValue, display?: string): Field {
  if (sink) return skipped(def.name, value);
  const f: Field = { name: def.name, value, display: display ?? displayOf(def, value), offset, length, children: [] };
  tree.push(f);
  return f;
}

/** Adds a numeric field: converts the raw number to tshark's form (hex string, 1/0, number). */
export function addNum(tree: Field[], def: FieldDef, offset: number, length: number, raw: number, display?: string): Field {
  return add(tree, def, offset, length, valueOf(def, raw), display);
}

/** Adds a text-only item (no filter name), e.g. "[Stream index: 0]" explanations or subtree labels. */
export function addText(tree: Field[], display: string, offset: number, length: number): Field {
  if (sink) return skipped('', null);
  const f: Field = { name: '', value: null, display, offset, length, children: [] };
  tree.push(f);
  return f;
}

/**
 * A bit field inside a larger integer, as Wireshark shows it: "..0. .... = Syn: Set".
 * `mask` selects the bits within a `bits`-wide value read from offset/length.
 */
export function bitsDisplay(word: number, mask: number, bits: number, label: string, shown: string): string {
  if (sink) return ''; // only values are collected: no one reads the text
  return `${bitPattern(word, mask, bits)} = ${label}: ${shown}`;
}

/**
 * Bit patterns by width and mask, then by the masked value. A frame shows dozens (every TCP flag,
 * every IP flag) and they repeat from frame to frame: build each once, as one flat string.
 */
const patterns = new Map<number, Map<number, string>>();

function bitPattern(word: number, mask: number, bits: number): string {
  const key = mask + bits * 2 ** 32;
  let byValue = patterns.get(key);
  if (!byValue) {
    if (patterns.size > 1024) patterns.clear();
    patterns.set(key, (byValue = new Map()));
  }
  const value = (word & mask) >>> 0;
  let s = byValue.get(value);
  if (s === undefined) {
    const chars: string[] = [];
    for (let i = bits - 1; i >= 0; i--) {
      const bit = 2 ** i;
      chars.push(mask & bit ? (word & bit ? '1' : '0') : '.');
      if (i % 4 === 0 && i > 0) chars.push(' ');
    }
    s = chars.join('');
    if (byValue.size > 4096) byValue.clear();
    byValue.set(value, s);
  }
  return s;
}

/** Marks an item hidden (tshark -T fields and filters see it, tshark -V does not show it). */
export function hide(f: Field): Field {
  if (!sink) f.hidden = true;
  return f;
}

/** Wireshark's FT_BYTES text: lower-case hex of at most 36 bytes, then "…"; "<MISSING>" when empty. */
export function bytesText(hexs: string): string {
  if (!hexs) return '<MISSING>';
  return hexs.length > 72 ? hexs.slice(0, 72) + '\u2026' : hexs;
}

/** Depth-first walk over every item (and its children) of a tree. */
export function* walk(tree: readonly Field[]): Generator<Field> {
  for (const f of tree) {
    yield f;
    if (f.children.length) yield* walk(f.children);
  }
}

/** Adds an item by its filter name with tshark's value and Wireshark's display text; returns it. */
export function leaf(tree: Field[], name: string, value: FieldValue, display: string, offset: number, length = 0): Field {
  if (sink) return skipped(name, value);
  const f: Field = { name, value, display, offset, length, children: [] };
  tree.push(f);
  return f;
}

/**
 * Adds a generated item (Wireshark's proto_item_set_generated: worked out by the dissector, not read
 * from the bytes): `display` is its label, shown in brackets as tshark -V prints it.
 */
export function generated(tree: Field[], name: string, value: FieldValue, display: string, offset: number, length = 0): Field {
  if (sink) return skipped(name, value);
  const f: Field = { name, value, display: `[${display}]`, offset, length, children: [], generated: true };
  tree.push(f);
  return f;
}

/** Adds a hidden item (Wireshark's proto_item_set_hidden): its value is there for filters and fields, the tree does not show it. */
export function hidden(tree: Field[], name: string, value: FieldValue, display: string, offset: number, length = 0): Field {
  if (sink) return skipped(name, value);
  const f: Field = { name, value, display, offset, length, children: [], hidden: true };
  tree.push(f);
  return f;
}

/** Marks an item generated once its label is complete (for items whose text grows after they were added). */
export function markGenerated(f: Field): void {
  if (sink) return;
  f.display = `[${f.display}]`;
  f.generated = true;
}
