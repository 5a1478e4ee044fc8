// handshake-lab decode FILE [--jsonl]: every frame of a capture, as a table or one JSON object per line.
import { Decoder, isColumnField } from '../engine/decoder';
import { CaptureReader, type FrameSink } from '../engine/io/reader';
import { FieldSink } from '../engine/fields/tree';
import { lookupField } from '../engine/fields/registry';
import { timeColumn } from '../engine/dissect/frame';
import type { DecodedFrame } from '../engine/types';
import { readCaptureFileAhead, CaptureFileError } from '../capture/file-source';
import { parseArgs } from './args';
import { UsageError, type Command } from './command';
import { Output } from './output';
import { formatTableRow, tableHeader } from './table';

const help = `usage: handshake-lab decode FILE [--jsonl] [--fields NAME,NAME,…]

Decodes every frame of a pcap or pcapng file with Handshake Lab's engine.
Fields carry Wireshark's display-filter names and tshark 4.0's values.

  (default)   a table: No., Time, Source, Destination, Protocol, Length,
              client/server TCP state after the frame, Info
  --jsonl     one JSON object per frame, in file order: frame, time, caplen, len,
              linktype, interface, stream, layers (each with protocol, OSI and
              TCP/IP layer, offset, length, fields), info, analysis, malformed,
              expert, states, transitions. A field's display is its text as
              tshark -V prints it; "generated": true marks what Wireshark works
              out (shown in brackets), "hidden": true what its tree leaves out
  --fields L  only these fields (display-filter names, comma-separated), like
              tshark -T fields -E occurrence=a -e …: one line per frame, a tab
              between fields, a comma between a field's occurrences. With --jsonl:
              {"frame": N, "fields": {"tcp.srcport": [42926], …}} (fields absent
              from a frame are left out). No tree is built: several times faster.
              The summary columns by tshark's names: _ws.col.No., _ws.col.Source,
              _ws.col.Destination, _ws.col.Protocol, _ws.col.Length, _ws.col.Info.

Exit code 2 with one line on stderr for a missing, unreadable or damaged file
(every good frame before the damage is printed first).`;

export const decodeCommand: Command = {
  help,
  async run(args) {
    const { flags, positionals } = parseArgs('decode', args, { booleans: ['jsonl'], values: { fields: 'string' }, positionals: [1, 1], names: ['FILE, a pcap or pcapng capture'] });
    const file = positionals[0];
    const out = new Output();
    const decoder = new Decoder();
    if (flags.fields !== undefined) return decodeFields(file, fieldList(String(flags.fields)), flags.jsonl === true, out, decoder);
    let first: DecodedFrame | null = null;
    let firstSec = 0, firstNsec = 0;
    const jsonl = flags.jsonl === true;
    // A frame is printed once its states are decided: a later segment of its receiver may still revise
    // them, within a bounded look-ahead (the Decoder says which frames are settled). The header comes with
    // the first frame (or at the end of a readable file without frames), so a file that cannot be read
    // prints its error and nothing else.
    let headed = false;
    const held = new SettlingQueue((frame: DecodedFrame, time: string) => {
      if (jsonl) {
        out.write(JSON.stringify(frame));
        out.write('\n');
        return;
      }
      if (!headed) { out.write(tableHeader()); headed = true; }
      out.write(formatTableRow(frame, time));
    });
    const code = await eachFrame(file, out, (raw) => {
      const frame = decoder.decode(raw);
      if (!first) { first = frame; firstSec = raw.tsSec; firstNsec = raw.tsNsec; }
      // The Time column is made now: the raw frame object is refilled by the next record. A record
      // without a timestamp has an empty Time column, as in tshark.
      held.push(frame, jsonl || raw.noTimestamp || raw.hasTimestamp === false ? '' : timeColumn(raw.tsSec, raw.tsNsec, firstSec, firstNsec, raw.tsPrecision ?? 6));
      held.release(decoder.settledBefore());
    }, () => held.release(Infinity));
    if (!jsonl && !headed) {
      out.write(tableHeader());
      out.flush();
    }
    return code;
  },
};

/** Decoded frames waiting, in order, until their states are settled; then handed to `print`. */
class SettlingQueue {
  private frames: DecodedFrame[] = [];
  /** Each frame's Time column text. */
  private times: string[] = [];
  private head = 0;

  constructor(private readonly print: (frame: DecodedFrame, time: string) => void) {}

  push(frame: DecodedFrame, time: string): void {
    this.frames.push(frame);
    this.times.push(time);
  }

  /** Prints every frame numbered below `settledBefore`. */
  release(settledBefore: number): void {
    const { frames, times } = this;
    while (this.head < frames.length && frames[this.head].frame < settledBefore) {
      this.print(frames[this.head], times[this.head]);
      this.head++;
    }
    if (this.head === frames.length) {
      this.frames = [];
      this.times = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.frames.splice(0, this.head);
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * Hands every frame of `file` to `onFrame` (none once our reader has gone: `decode | head`), then
 * flushes; a damaged file's error comes after the output of every good frame before the damage.
 */
async function eachFrame(file: string, out: Output, onFrame: FrameSink, onEnd: () => void = () => undefined): Promise<number> {
  try {
    // Nothing keeps a raw frame object once it is decoded: one is refilled (classic pcap).
    const reader = new CaptureReader();
    reader.reuseFrames = true;
    await readCaptureFileAhead(file, (raw) => {
      if (!out.closed) onFrame(raw);
    }, reader);
  } catch (e) {
    if (!out.closed) onEnd();
    out.flush();
    if (e instanceof CaptureFileError) throw new UsageError(e.message);
    throw e;
  }
  if (!out.closed) onEnd();
  out.flush();
  return 0;
}

/** The names given to --fields, each one a field the engine knows. */
function fieldList(text: string): string[] {
  const names = text.split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) throw new UsageError('decode: --fields needs at least one field name (e.g. --fields tcp.srcport,tcp.flags)');
  const unknown = names.filter((n) => !lookupField(n) && !isColumnField(n));
  if (unknown.length) throw new UsageError(`decode: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} (Handshake Lab knows the fields its dissectors show; names as in Wireshark's display filters)`);
  return names;
}

/** decode --fields: values only, as tshark -T fields prints them, or as one JSON object per frame. */
async function decodeFields(file: string, names: string[], jsonl: boolean, out: Output, decoder: Decoder): Promise<number> {
  const sink = new FieldSink(names);
  const slots = names.map((n) => sink.slot(n));
  // Names are display-filter names ([a-z0-9._-]): safe inside JSON quotes as they are.
  const keys = names.map((n) => `"${n}":[`);
  const plain = names.map((n) => PLAIN_KINDS.has(lookupField(n)?.kind ?? ''));
  // A name given twice is printed at its last place only, as tshark prints it (the earlier ones empty).
  const shown = names.map((n, i) => names.lastIndexOf(n) === i);
  return eachFrame(file, out, (raw) => {
    decoder.decodeFields(raw, sink);
    lineAscii = true;
    const line = jsonl ? jsonLine(decoder.frameCount, slots, keys, plain, shown, sink) : tsvLine(slots, plain, shown, sink);
    out.write(line, lineAscii);
  });
}

/** Field kinds whose text values never need escaping in JSON (hex digits, addresses, numbers as text). */
const PLAIN_KINDS = new Set(['hex', 'mac', 'ipv4', 'ipv6', 'bytes', 'none', 'uint', 'int', 'bool', 'time', 'double']);

/** Whether the line being built is plain ASCII (then written without UTF-8 encoding). */
let lineAscii = true;
const NON_ASCII = /[^\x00-\x7f]/;

/** A text value of a field whose kind may hold any character: notes whether it is ASCII. */
function checked(v: string): string {
  if (lineAscii && NON_ASCII.test(v)) lineAscii = false;
  return v;
}

function tsvLine(slots: number[], plain: boolean[], shown: boolean[], sink: FieldSink): string {
  let line = '';
  for (let i = 0; i < slots.length; i++) {
    if (i > 0) line += '\t';
    const n = shown[i] ? sink.count(slots[i]) : 0;
    for (let j = 0; j < n; j++) {
      if (j > 0) line += ',';
      const v = sink.value(slots[i], j);
      if (v !== null) line += typeof v === 'number' || plain[i] ? v : checked(v);
    }
  }
  return line + '\n';
}

function jsonLine(frame: number, slots: number[], keys: string[], plain: boolean[], shown: boolean[], sink: FieldSink): string {
  let line = `{"frame":${frame},"fields":{`;
  let first = true;
  for (let i = 0; i < slots.length; i++) {
    const n = shown[i] ? sink.count(slots[i]) : 0;
    if (n === 0) continue;
    line += first ? keys[i] : ',' + keys[i];
    first = false;
    for (let j = 0; j < n; j++) {
      if (j > 0) line += ',';
      const v = sink.value(slots[i], j);
      line += typeof v === 'number' ? v : v === null ? 'null' : plain[i] ? '"' + v + '"' : checked(JSON.stringify(v));
    }
    line += ']';
  }
  return line + '}}\n';
}
