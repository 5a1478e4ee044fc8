// The pcapng writer: frames read from corpus files (several link types, interfaces, resolutions, comments)
// are written again, in batches as the live autosave does, and tshark must read the result back unchanged:
// the same times, lengths, link types, comments and bytes; capinfos must see a clean file.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureReader } from '../../main/engine/io/reader';
import { PcapngWriter } from '../../main/engine/io/pcapng-writer';
import { readCaptureFile } from '../../main/capture/file-source';
import type { RawFrame } from '../../main/engine/types';
import { hasTshark, tshark } from '../helpers/tshark';

const corpus = join(__dirname, '..', 'corpus');
const dir = mkdtempSync(join(tmpdir(), 'hl-pcapng-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = ['frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.interface_id', 'frame.comment', 'frame.encap_type'];
const noTshark = !hasTshark();
const noCapinfos = spawnSync('capinfos', ['-h'], { stdio: 'ignore' }).status !== 0;
if (noTshark) console.log('skipping pcapng writer checks against tshark: tshark is not installed');
if (noCapinfos) console.log('skipping capinfos checks: capinfos is not installed');

const rawFrames = (file: string): RawFrame[] => readWithInterfaces(file).frames;

/** tshark's per-frame rows of FIELDS, each row split into its columns. */
function rows(file: string): string[][] {
  const args = ['-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'separator=\t'];
  for (const f of FIELDS) args.push('-e', f);
  return tshark(args).split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).map((l) => l.split('\t'));
}

/**
 * Reads a file with the engine's reader (as test/helpers/decode.ts rawFrames does, without pulling in the
 * dissectors), keeping its interfaces (for the original numbering).
 */
function readWithInterfaces(file: string): { frames: RawFrame[]; reader: CaptureReader } {
  const frames: RawFrame[] = [];
  const reader = readCaptureFile(file, (f) => frames.push({ ...f, data: f.data.slice() }));
  return { frames, reader };
}

/** Writes `frames` with `writer` in batches of `batch`, as a live autosave would, to `out`. */
function writeInBatches(writer: PcapngWriter, frames: RawFrame[], out: string, batch: number,
  pick?: Parameters<PcapngWriter['frames']>[1]): { offsets: number[]; ids: number[] } {
  const parts: Uint8Array[] = [writer.header()];
  const offsets: number[] = [], ids: number[] = [];
  for (let i = 0; i < frames.length; i += batch) {
    const chunk = writer.frames(frames.slice(i, i + batch), pick && ((f, k) => pick(f, i + k)));
    parts.push(chunk.bytes);
    offsets.push(...chunk.dataOffsets);
    ids.push(...chunk.interfaceIds);
  }
  const bytes = Buffer.concat(parts);
  expect(bytes.length).toBe(writer.bytesWritten);
  writeFileSync(out, bytes);
  return { offsets, ids };
}

/**
 * Rewrites `name` keeping its interfaces (one IDB per source interface, in file order: all sections
 * become one) and adds comments to some frames. Returns the written file and what each frame should read as.
 */
function rewrite(name: string, extraComments: (i: number) => string[]) {
  const src = join(corpus, name);
  const { frames, reader } = readWithInterfaces(src);
  const writer = new PcapngWriter();
  for (const i of reader.interfaces) {
    writer.addInterface({ linktype: i.linktype, snaplen: i.snaplen, ...(i.name !== undefined ? { name: i.name } : {}), ...(i.description !== undefined ? { description: i.description } : {}) });
  }
  const global = (f: RawFrame) => reader.interfaces.findIndex((i) => i.section === (f.section ?? 0) && i.id === f.interface);
  const edited = frames.map((f, i) => {
    const more = extraComments(i);
    return more.length ? { ...f, comments: [...(f.comments ?? []), ...more] } : f;
  });
  const out = join(dir, name.replace(/[/.]/g, '_') + '.pcapng');
  const { offsets, ids } = writeInBatches(writer, edited, out, 3, (f) => global(f));
  return { src, out, frames: edited, reader, offsets, ids, global };
}

/** Files with ns timestamps, several link types and interfaces, sections, BE sections, comments and odd records. */
const FILES = [
  'lab/ipv4-3seg-ns.pcap', // classic pcap, nanoseconds
  'lab/ipv4-3seg-sll2.pcap', // Linux cooked v2
  'link/null-ipv6-30.pcap', // BSD loopback
  'link/raw-101.pcap', // raw IP
  'link/multi-if.pcapng', // three interfaces: Ethernet, SLL2, NULL
  'format/pcapng-tsresol-mix.pcapng', // eight interfaces, one per timestamp resolution
  'format/pcapng-2sections.pcapng', // two sections (the second big-endian): written as one
  'format/pcapng-blocks.pcapng', // comments already on EPBs, and records that are not packets
  'format/pcapng-options.pcapng', // interface names/descriptions, a zero-length packet
];

const COMMENTS = (i: number): string[] => (i % 3 === 0 ? [`frame ${i + 1}: SYN → ESTABLISHED`] : i % 3 === 1 ? ['first', 'second, with a comma', '客户端 ✓'] : []);

describe('pcapng writer', () => {
  for (const name of FILES) {
    it.skipIf(noTshark)(`${name}: tshark reads the written file back unchanged`, () => {
      const w = rewrite(name, COMMENTS);
      const before = rows(w.src);
      const after = rows(w.out);
      // Records that are not packets (custom, Sysdig, journal blocks) are not written.
      const packets = w.frames.map((f, i) => ({ f, i })).filter(({ f }) => f.linktype >= 0);
      expect(before.length, 'the engine reads as many records as tshark').toBe(w.frames.length);
      expect(after.length).toBe(packets.length);
      const pcapng = w.reader.format === 'pcapng';
      packets.forEach(({ f, i }, k) => {
        const [time, len, caplen, iface, comment, encap] = before[i];
        const [time2, len2, caplen2, iface2, comment2, encap2] = after[k];
        const at = `${name} frame ${i + 1}`;
        expect({ time: time2, len: len2, caplen: caplen2, encap: encap2 }, at).toEqual({ time, len, caplen, encap });
        // One section in, same interface numbers out; classic pcap has none (tshark shows none), ours is 0.
        const sections = new Set(w.reader.interfaces.map((x) => x.section)).size;
        // A time a 64-bit ns count cannot hold goes to a copy of the interface with an if_tsoffset.
        const fits = BigInt(f.tsSec) * 1_000_000_000n + BigInt(f.tsNsec) < 1n << 64n;
        if (pcapng && sections === 1 && fits) expect(iface2, at).toBe(iface);
        expect(iface2, at).toBe(String(w.ids[i]));
        if (fits) expect(w.ids[i], at).toBe(w.global(f));
        else expect(w.ids[i], at).toBeGreaterThanOrEqual(w.reader.interfaces.length);
        // The original's comments, then ours, in order (tshark joins occurrences with commas).
        const added = COMMENTS(i);
        expect(comment2, at).toBe([...(comment ? [comment] : []), ...added].join(','));
      });
      // Every byte: tshark's hex dumps (and summary lines) of both files are equal when no record was dropped.
      if (packets.length === w.frames.length) expect(tshark(['-r', w.out, '-x'])).toBe(tshark(['-r', w.src, '-x']));
      // Every byte again, through our own reader; and each reported data offset points at the frame's bytes.
      const back = rawFrames(w.out);
      const file = readFileSync(w.out);
      expect(back.length).toBe(packets.length);
      packets.forEach(({ f, i }, k) => {
        expect(Buffer.from(back[k].data).equals(Buffer.from(f.data)), `${name} frame ${i + 1} bytes`).toBe(true);
        expect(back[k].comments ?? []).toEqual(f.comments ?? []);
        expect(file.subarray(w.offsets[i], w.offsets[i] + f.data.length).equals(Buffer.from(f.data))).toBe(true);
      });
    });
  }

  it.skipIf(noTshark || noCapinfos)('capinfos and tshark find no error; header and interface options are as written', () => {
    const frames = rawFrames(join(corpus, 'lab/ipv4-3seg-ns.pcap')).concat(rawFrames(join(corpus, 'lab/ipv6-3seg.pcap')));
    frames.push({ ...frames[0], linktype: 276, data: rawFrames(join(corpus, 'lab/ipv4-3seg-sll2.pcap'))[0].data });
    const writer = new PcapngWriter({ interfaceName: 'lo', snaplen: 65535 });
    const out = join(dir, 'capinfos.pcapng');
    writeInBatches(writer, frames, out, 4);
    // One interface per (link type, snaplen, name): Ethernet and SLL2.
    expect(writer.interfaces.map((i) => i.linktype)).toEqual([1, 276]);
    const r = spawnSync('capinfos', ['-M', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/File type:\s+(Wireshark\/\.\.\. - )?pcapng\b/);
    expect(r.stdout).toMatch(new RegExp(`Number of packets:\\s+${frames.length}\\b`));
    expect(r.stdout).toMatch(/Capture application:\s+Handshake Lab/);
    expect(r.stdout).toMatch(/Number of interfaces in file:\s+2/);
    expect(r.stdout).toMatch(/Name = lo/);
    expect(r.stdout).toMatch(/Capture length = 65535/);
    expect(r.stdout).toMatch(/Time precision = nanoseconds \(9\)/);
    const t = spawnSync('tshark', ['-r', out], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    expect(t.status).toBe(0);
    expect(t.stderr.replace(/Running as user "root".*\n/, '')).toBe('');
    expect(t.stdout.trim().split('\n').length).toBe(frames.length);
  });

  it('streams: the header alone, then frames; an interface block goes just before its first frame', () => {
    const frames = rawFrames(join(corpus, 'lab/ipv4-3seg.pcap')).slice(0, 2);
    const writer = new PcapngWriter({ application: 'test app' });
    const head = writer.header();
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    expect(view.getUint32(0, true)).toBe(0x0a0d0d0a);
    expect(view.getUint32(4, true)).toBe(head.length);
    expect(writer.header().length).toBe(0); // nothing pending any more
    const a = writer.frames([frames[0]]);
    const b = writer.frames([frames[1]]);
    const blockType = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
    expect(blockType(a.bytes, 0)).toBe(1); // IDB first
    expect(blockType(b.bytes, 0)).toBe(6); // then EPBs only
    expect(b.dataOffsets[0]).toBe(head.length + a.bytes.length + 28);
    expect(writer.bytesWritten).toBe(head.length + a.bytes.length + b.bytes.length);
    // Times a 64-bit ns count cannot hold (before 1970, after 2554) keep their exact value via if_tsoffset.
    const odd = [{ ...frames[0], tsSec: -5, tsNsec: 250 }, { ...frames[0], tsSec: 1795592866547, tsNsec: 718000001 }, frames[1]];
    const w2 = new PcapngWriter();
    const out = join(dir, 'odd-times.pcapng');
    const { ids } = writeInBatches(w2, odd, out, 2);
    expect(ids).toEqual([1, 2, 0]); // two extra interfaces, after the one the frames asked for (made first)
    const ns = (f: RawFrame) => BigInt(f.tsSec) * 1_000_000_000n + BigInt(f.tsNsec);
    expect(rawFrames(out).map(ns)).toEqual(odd.map(ns));
    if (!noTshark) {
      // tshark reads all three; the ordinary frame keeps its time (the odd ones are checked on corpus files above).
      const times = tshark(['-r', out, '-T', 'fields', '-e', 'frame.time_epoch']).trim().split('\n');
      expect(times.length).toBe(3);
      expect(times[2]).toBe(tshark(['-r', join(corpus, 'lab/ipv4-3seg.pcap'), '-T', 'fields', '-e', 'frame.time_epoch']).split('\n')[1]);
    }
    // A picked id no interface has, or a time that is not a number, still gives a readable file.
    const w3 = new PcapngWriter();
    const bad = join(dir, 'bad-input.pcapng');
    const r3 = writeInBatches(w3, [frames[0], { ...frames[1], tsSec: Number.NaN }], bad, 2, (_f, k) => (k === 0 ? 7 : -1));
    expect(r3.ids).toEqual([0, 0]);
    expect(rawFrames(bad).map((f) => f.tsSec)).toEqual([frames[0].tsSec, 0]);
    // A non-packet record is skipped, without an offset.
    const c = writer.frames([{ ...frames[0], linktype: -1 }]);
    expect(c).toEqual({ bytes: new Uint8Array(0), dataOffsets: [-1], interfaceIds: [-1] });
  });

  it('a section header written with room can be written again with more comments, nothing after it moving', () => {
    const frames = rawFrames(join(corpus, 'lab/ipv4-3seg.pcap')).slice(0, 3);
    const writer = new PcapngWriter({ interfaceName: 'lo', comments: ['first'], headerRoom: 1024 });
    const out = join(dir, 'header-room.pcapng');
    const { offsets } = writeInBatches(writer, frames, out, 2);
    const before = readFileSync(out);
    const later = ['first', 'a later comment', 'Handshake Lab, call 2 (server, accept) at 1.000000: conn, addr = srv.accept() → x'];
    const head = writer.sectionHeader(later)!;
    expect(head).not.toBeNull();
    const after = Buffer.concat([head, before.subarray(head.length)]);
    writeFileSync(out, after);
    // Only the header changed: every frame's bytes are where they were.
    expect(after.length).toBe(before.length);
    for (let i = 0; i < frames.length; i++) expect(after.subarray(offsets[i], offsets[i] + frames[i].data.length)).toEqual(Buffer.from(frames[i].data));
    const { reader, frames: back } = readWithInterfaces(out);
    expect(reader.sectionComments).toEqual([later]);
    expect(back.map((f) => Buffer.from(f.data))).toEqual(frames.map((f) => Buffer.from(f.data)));
    // Comments that do not fit the room are refused, not written over the frames.
    expect(writer.sectionHeader(['x'.repeat(2000)])).toBeNull();
    if (!noCapinfos) {
      const r = spawnSync('capinfos', [out], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const shown = r.stdout.split('\n').filter((l) => l.startsWith('Capture comment:')).map((l) => l.replace(/^Capture comment:\s+/, ''));
      expect(shown).toEqual(later);
    }
    if (!noTshark) expect(tshark(['-r', out, '-T', 'fields', '-e', 'frame.number']).trim().split('\n')).toEqual(['1', '2', '3']);
  });
});
