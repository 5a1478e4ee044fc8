// The detail tree: the frame's layers as top-level items and their fields below, each addressed by a path
// ("2" = third layer, "2.0.3" = its first field's fourth child). Paths stay valid within one frame; expansion
// is remembered by filter names instead, so an open TCP subtree stays open on the next frame (as in Wireshark).
import type { DecodedFrame, Field } from '../api';

export interface TreeItem {
  path: string;
  /** Stable key for remembering expansion across frames: filter names joined. */
  key: string;
  name: string;
  label: string;
  offset: number;
  length: number;
  depth: number;
  /** Worked out by the dissector, not read from the bytes (Wireshark's generated items, shown in brackets). */
  generated: boolean;
  children: TreeItem[];
}

/** The tree as Wireshark shows it: hidden items (there for filters only) are left out, with what hangs under them. */
export function buildTree(frame: DecodedFrame): TreeItem[] {
  const conv = (f: Field, path: string, key: string, depth: number): TreeItem => {
    const k = `${key}/${f.name || f.display}`;
    return { path, key: k, name: f.name, label: f.display, offset: f.offset, length: f.length, depth, generated: f.generated === true, children: items(f.children, path, k, depth + 1) };
  };
  // Paths index the shown items (hidden ones skipped), as findByPath walks them.
  const items = (fields: readonly Field[], path: string, key: string, depth: number): TreeItem[] => {
    const out: TreeItem[] = [];
    for (const f of fields) if (!f.hidden) out.push(conv(f, `${path}.${out.length}`, key, depth));
    return out;
  };
  return frame.layers.map((l, i) => ({
    path: String(i), key: l.protocol, name: l.protocol, label: l.title, offset: l.offset, length: l.length, depth: 0, generated: false,
    children: items(l.fields, String(i), l.protocol, 1),
  }));
}

/** Items in display order, descending only into expanded ones. */
export function visibleItems(items: TreeItem[], expanded: ReadonlySet<string>): TreeItem[] {
  const out: TreeItem[] = [];
  const walk = (xs: TreeItem[]): void => {
    for (const x of xs) {
      out.push(x);
      if (x.children.length && expanded.has(x.key)) walk(x.children);
    }
  };
  walk(items);
  return out;
}

/** The most specific item covering a byte (smallest length; the deeper one on ties), with its ancestors. */
export function itemAtOffset(items: TreeItem[], offset: number): { item: TreeItem; ancestors: TreeItem[] } | null {
  let best: { item: TreeItem; ancestors: TreeItem[] } | null = null;
  const walk = (xs: TreeItem[], anc: TreeItem[]): void => {
    for (const x of xs) {
      const covers = x.length > 0 && offset >= x.offset && offset < x.offset + x.length;
      if (covers && (!best || x.length < best.item.length || (x.length === best.item.length && x.depth > best.item.depth))) best = { item: x, ancestors: anc };
      if (x.children.length) walk(x.children, [...anc, x]);
    }
  };
  walk(items, []);
  return best;
}

export function findByPath(items: TreeItem[], path: string): TreeItem | null {
  let xs = items;
  let found: TreeItem | null = null;
  for (const part of path.split('.')) {
    found = xs[Number(part)] ?? null;
    if (!found) return null;
    xs = found.children;
  }
  return found;
}
