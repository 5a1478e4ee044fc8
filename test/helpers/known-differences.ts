// Differences from tshark we know of and have not closed yet, each with its reason. The comparison
// tests ignore exactly these (file, frames, fields) and fail on anything else, so a new difference
// cannot hide here; README "Known differences from tshark" lists the same.
import type { FieldMismatch } from './tshark';

interface Known {
  file: string;
  frames: number[];
  /** Field names (or column names such as _ws.col.Info); '*' for every field of those frames. */
  fields: string[] | '*';
  reason: string;
}

const QUOTED = 'a TCP header quoted in an ICMP error: tshark looks up its stream and shows more fields; we show raw numbers and create no stream (DECISIONS)';

export const KNOWN_DIFFERENCES: Known[] = [
  { file: 'tcp/icmp-errors.pcap', frames: [2, 8], fields: '*', reason: QUOTED },
  { file: 'format/pcapng-blocks.pcapng', frames: [3, 4], fields: ['_ws.col.Info', '_ws.col.Protocol'], reason: 'pcapng custom blocks: tshark names the PEN' },
  { file: 'format/pcap-frac-overflow-ns.pcap', frames: [2], fields: ['frame.time_epoch'], reason: 'a negative nanosecond count in a damaged record: tshark prints a sign on the seconds' },
  { file: 'bad/malformed.pcap', frames: [4, 7, 22, 24, 28], fields: ['_ws.col.Info', 'tcp.seq'], reason: 'Info strings of a few malformed headers (bogus lengths, cut IPv6 headers) differ in wording' },
  { file: 'bad/malformed.pcap', frames: [8, 9, 10, 11, 12, 13, 14, 28], fields: ['_ws.expert.message'], reason: 'expert messages of malformed TCP options (wording, and where tshark stops) and of a cut ICMP quote' },
  { file: 'bad/malformed.pcap', frames: [18], fields: ['frame.protocols', 'tcp.analysis.bytes_in_flight'], reason: 'tshark\'s OpenWire heuristic claims the payload; bytes in flight after segments with bogus header lengths' },
  { file: 'format/pcap-frac-overflow-ns.pcap', frames: [1, 2], fields: ['_ws.expert.message'], reason: 'tshark adds an "Arrival Time: Fractional second … is invalid" expert for damaged timestamps; we do not' },
  { file: 'format/pcap-frac-overflow-us.pcap', frames: [1, 2, 4], fields: ['_ws.expert.message'], reason: 'tshark adds an "Arrival Time: Fractional second … is invalid" expert for damaged timestamps; we do not' },
  { file: 'format/pcap-snaplen68.pcap', frames: [4], fields: ['frame.protocols'], reason: 'tshark\'s SPICE heuristic claims a cut payload; we show data' },
];

/** The mismatches of `file` (its path relative to test/corpus) that no known difference explains. */
export function unexplained(file: string, diffs: FieldMismatch[]): FieldMismatch[] {
  const known = KNOWN_DIFFERENCES.filter((k) => file.endsWith(k.file));
  if (!known.length) return diffs;
  return diffs.filter((d) => !known.some((k) => k.frames.includes(d.frame) && (k.fields === '*' || k.fields.includes(d.field))));
}

/** Captures whose `stats` differ from `tshark -z conv,tcp` for a known reason. */
export const KNOWN_STATS_DIFFERENCES: { file: string; reason: string }[] = [
  { file: 'format/pcap-frac-overflow-us.pcap', reason: 'fractions of a second ≥ 1 s in damaged records: tshark keeps them unnormalised in its duration' },
  { file: 'format/pcapng-2sections.pcapng', reason: 'time runs backwards across sections: tshark gives a huge start and a negative duration' },
];
