// tshark 4.0's detail tree, item by item, as the oracle for our tree's texts (DECISIONS, "Tree texts"):
// the text `tshark -V` prints for every item (generated items in brackets), with its depth, and from the
// PDML of the same file the item's field name and whether it is generated. Hidden items (PDML hide="yes",
// which -V leaves out with everything under them) and PDML's "geninfo" are not part of the tree.
import { spawn } from 'node:child_process';
import type { DecodedFrame, Field } from '../../main/engine/types';
import { tsharkEnv } from './tshark';

/** One item of a detail tree as a reader sees it. */
export interface TreeLine {
  depth: number;
  text: string;
  /** Field name (PDML's, or ours); '' for text-only items. */
  name: string;
  generated: boolean;
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('tshark', args, { env: tsharkEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.on('error', reject);
    // A damaged file still prints its good frames (exit 2), as the field comparison expects.
    child.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const unescape = (s: string): string => s.replace(/&(quot|lt|gt|apos|amp|#x([0-9a-fA-F]+));/g, (_, e: string, hex?: string) => {
  if (hex) return String.fromCodePoint(parseInt(hex, 16));
  return ({ quot: '"', lt: '<', gt: '>', apos: "'", amp: '&' } as Record<string, string>)[e];
});

interface PdmlItem {
  depth: number;
  name: string;
  /** showname, or for text-only items show; null when PDML gives neither. */
  label: string | null;
}

const ATTR = /(\w+)="([^"]*)"/g;

/** Per packet, the items -V prints (visible, geninfo left out), in order, with depth and name. */
export function parsePdml(pdml: string): PdmlItem[][] {
  const packets: PdmlItem[][] = [];
  for (const body of pdml.split('<packet>').slice(1)) {
    const items: PdmlItem[] = [];
    // Open elements: whether each is shown, and whether it counts as a level (PDML wraps data that
    // belongs to no protocol in a "fake-field-wrapper" proto, which -V does not print).
    const stack: { shown: boolean; level: boolean }[] = [];
    for (const m of body.matchAll(/<(\/?)(proto|field)\b([^>]*?)(\/?)>/g)) {
      if (m[1]) {
        stack.pop();
        continue;
      }
      const attrs: Record<string, string> = {};
      for (const a of m[3].matchAll(ATTR)) attrs[a[1]] = unescape(a[2]);
      const parentShown = stack.every((s) => s.shown);
      const wrapper = attrs.name === 'fake-field-wrapper' || attrs.name === 'geninfo';
      const shown = parentShown && attrs.hide !== 'yes' && attrs.name !== 'geninfo';
      const depth = stack.filter((s) => s.level).length;
      if (shown && !wrapper) items.push({ depth, name: attrs.name ?? '', label: attrs.showname ?? attrs.show ?? null });
      if (!m[4]) stack.push({ shown, level: !wrapper });
    }
    packets.push(items);
  }
  return packets;
}

/** The item lines of `tshark -V` output (hex dumps of data sources and blank lines left out). */
export function parseVerbose(text: string): { depth: number; text: string; raw: string }[] {
  const out: { depth: number; text: string; raw: string }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || /^[0-9a-f]{4,}  /.test(line)) continue;
    // Four spaces a level; a text may begin with a space of its own (tshark 4.0's truncated labels,
    // " [truncated]<p>…"), which stays part of the text.
    const depth = Math.floor((line.length - line.trimStart().length) / 4);
    out.push({ depth, text: line.slice(depth * 4), raw: line });
  }
  return out;
}

/**
 * tshark's tree of every frame of `file`: -V's texts joined with PDML's names, packet by packet (PDML
 * says where each packet's items end). Throws when the two disagree on an item's depth.
 */
export async function tsharkTree(file: string): Promise<TreeLine[][]> {
  const [verbose, pdml] = await Promise.all([run(['-r', file, '-n', '-V']), run(['-r', file, '-n', '-T', 'pdml'])]);
  const lines = parseVerbose(verbose);
  const packets = parsePdml(pdml);
  let k = 0;
  const out = packets.map((all, p) => withoutHiddenExperts(all, lines, k).map((it) => {
    let line = lines[k++];
    // A text that begins with spaces of its own (an indented line of a text body) looks deeper than it is:
    // PDML gives its depth, and the spaces stay part of the text.
    if (line && line.depth > it.depth && line.raw.startsWith(' '.repeat(it.depth * 4))) {
      line = { depth: it.depth, text: line.raw.slice(it.depth * 4), raw: line.raw };
    }
    if (!line || line.depth !== it.depth) throw new Error(`${file}: tshark -V and PDML disagree at packet ${p + 1} item ${it.name || it.label} (-V: ${JSON.stringify(line)})`);
    return { depth: line.depth, text: line.text, name: it.name, generated: it.label !== null && line.text === `[${it.label}]` };
  }));
  if (k !== lines.length) throw new Error(`${file}: tshark -V printed ${lines.length - k} items more than PDML holds`);
  return out;
}

/**
 * A packet's PDML items less the hidden expert items -V leaves out: a dissector that hides the item
 * proto_tree_add_expert made (DNS's "Extraneous data", reasm/dns-malformed.pcap frame 2) leaves a
 * text-only item holding a "_ws.expert" that PDML writes without hide="yes" (it marks hidden fields
 * only). Such an item, when -V prints something else at its place, is dropped with its subtree.
 * `from` is the -V line the packet's first item matches.
 */
function withoutHiddenExperts(items: PdmlItem[], lines: { depth: number; text: string }[], from: number): PdmlItem[] {
  const out: PdmlItem[] = [];
  let k = from;
  for (let i = 0; i < items.length; i++) {
    const it = items[i], line = lines[k];
    const hiddenExpert = it.name === '' && items[i + 1]?.name === '_ws.expert' && items[i + 1].depth === it.depth + 1;
    if (hiddenExpert && (!line || line.depth !== it.depth || (line.text !== it.label && line.text !== `[${it.label}]`))) {
      while (i + 1 < items.length && items[i + 1].depth > it.depth) i++;
      continue;
    }
    out.push(it);
    k++;
  }
  return out;
}

/** Our tree of a frame as a reader sees it: layers at depth 0, hidden items (and their children) left out. */
export function ourTree(frame: DecodedFrame): TreeLine[] {
  const out: TreeLine[] = [];
  const walk = (fields: readonly Field[], depth: number): void => {
    for (const f of fields) {
      if (f.hidden) continue;
      out.push({ depth, text: f.display, name: f.name, generated: f.generated === true });
      walk(f.children, depth + 1);
    }
  };
  for (const l of frame.layers) {
    // A top-level item may be a generated field (tcp.segments: "[2 Reassembled TCP Segments …]").
    out.push({ depth: 0, text: l.title, name: l.protocol, generated: l.generated === true });
    walk(l.fields, 1);
  }
  return out;
}

export interface TreeMismatch {
  frame: number;
  /** The field name of the item (tshark's, or ours when tshark has no such item). */
  field: string;
  ours: TreeLine | null;
  tshark: TreeLine | null;
}

const same = (a: TreeLine, b: TreeLine): boolean => a.depth === b.depth && a.text === b.text;

/**
 * The items where our tree and tshark's differ (text, depth, or the generated mark), frame by frame:
 * a longest common subsequence of (depth, text) pairs, so one missing item is one difference.
 */
export function diffTrees(ours: TreeLine[][], theirs: TreeLine[][]): TreeMismatch[] {
  const diffs: TreeMismatch[] = [];
  if (ours.length !== theirs.length) diffs.push({ frame: 0, field: 'frame count', ours: null, tshark: null });
  const n = Math.min(ours.length, theirs.length);
  for (let i = 0; i < n; i++) diffs.push(...diffFrame(i + 1, ours[i], theirs[i]));
  return diffs;
}

function diffFrame(frame: number, a: TreeLine[], b: TreeLine[]): TreeMismatch[] {
  // Skip the common head and tail: most frames are equal or differ in a few items.
  let s = 0;
  while (s < a.length && s < b.length && same(a[s], b[s])) s++;
  let ea = a.length, eb = b.length;
  while (ea > s && eb > s && same(a[ea - 1], b[eb - 1])) { ea--; eb--; }
  const out: TreeMismatch[] = [];
  const marks = (x: TreeLine, y: TreeLine): void => {
    if (x.generated !== y.generated) out.push({ frame, field: y.name || x.name, ours: x, tshark: y });
  };
  for (let j = 0; j < s; j++) marks(a[j], b[j]);
  const n = ea - s, m = eb - s;
  const L = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let x = n - 1; x >= 0; x--) for (let y = m - 1; y >= 0; y--) L[x][y] = same(a[s + x], b[s + y]) ? L[x + 1][y + 1] + 1 : Math.max(L[x + 1][y], L[x][y + 1]);
  let x = 0, y = 0;
  while (x < n || y < m) {
    if (x < n && y < m && same(a[s + x], b[s + y])) { marks(a[s + x], b[s + y]); x++; y++; }
    else if (y < m && (x === n || L[x][y + 1] >= L[x + 1][y])) { out.push({ frame, field: b[s + y].name, ours: null, tshark: b[s + y] }); y++; }
    else { out.push({ frame, field: a[s + x].name, ours: a[s + x], tshark: null }); x++; }
  }
  for (let j = 0; j < a.length - ea; j++) marks(a[ea + j], b[eb + j]);
  return out;
}

/** Differences for a test message: at most `max` characters, one line per item. */
export function describeTreeMismatches(file: string, diffs: TreeMismatch[], max = 6000): string {
  const show = (l: TreeLine | null): string => (l ? `${l.depth}${l.generated ? ' generated' : ''} ${JSON.stringify(l.text)}` : '(none)');
  let text = `${diffs.length} tree differences\n`;
  for (const d of diffs) {
    const line = `${file} frame ${d.frame} ${d.field || '(text)'}: ours ${show(d.ours)} vs tshark ${show(d.tshark)}`;
    const l = line.length > 400 ? line.slice(0, 400) + '…' : line;
    if (text.length + l.length > max) { text += `… and more (${diffs.length} in all)\n`; break; }
    text += l + '\n';
  }
  return text;
}
