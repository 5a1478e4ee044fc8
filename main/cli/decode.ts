// handshake-lab decode FILE [--jsonl]: every frame of a capture, as a table or one JSON object per line.
import { Decoder } from '../engine/decoder';
import type { DecodedFrame } from '../engine/types';
import { readCaptureFile, CaptureFileError } from '../capture/file-source';
import { parseArgs } from './args';
import { UsageError, type Command } from './command';
import { Output } from './output';
import { formatTableRow, tableHeader } from './table';

const help = `usage: handshake-lab decode FILE [--jsonl]

Decodes every frame of a pcap or pcapng file with Handshake Lab's engine.
Fields carry Wireshark's display-filter names and tshark 4.0's values.

  (default)   a table: No., Time, Source, Destination, Protocol, Length,
              client/server TCP state after the frame, Info
  --jsonl     one JSON object per frame, in file order: frame, time, caplen, len,
              linktype, interface, stream, layers (each with protocol, OSI and
              TCP/IP layer, offset, length, fields), info, analysis, malformed,
              expert, states, transitions

Exit code 2 with one line on stderr for a missing, unreadable or damaged file
(every good frame before the damage is printed first).`;

export const decodeCommand: Command = {
  help,
  async run(args) {
    const { flags, positionals } = parseArgs('decode', args, { booleans: ['jsonl'], positionals: [1, 1] });
    const file = positionals[0];
    const out = new Output();
    const decoder = new Decoder();
    let first: DecodedFrame | null = null;
    let firstSec = 0, firstNsec = 0;
    const jsonl = flags.jsonl === true;
    if (!jsonl) out.write(tableHeader());
    try {
      readCaptureFile(file, (raw) => {
        if (out.closed) return;
        const frame = decoder.decode(raw);
        if (jsonl) {
          out.write(JSON.stringify(frame));
          out.write('\n');
          return;
        }
        if (!first) { first = frame; firstSec = raw.tsSec; firstNsec = raw.tsNsec; }
        const rel = (raw.tsSec - firstSec) + (raw.tsNsec - firstNsec) / 1e9;
        out.write(formatTableRow(frame, rel));
      });
    } catch (e) {
      out.flush();
      if (e instanceof CaptureFileError) throw new UsageError(e.message);
      throw e;
    }
    out.flush();
    return 0;
  },
};
