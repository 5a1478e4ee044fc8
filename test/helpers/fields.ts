// The fields issue #3 requires `decode --jsonl` to carry, by their tshark 4.0 names
// (one list, in required-fields.json, shared with the benchmark script).
import required from './required-fields.json';
import '../../main/engine/decoder';
import { allFields } from '../../main/engine/fields/registry';
import type { Field } from '../../main/engine/types';

export const REQUIRED_FIELDS: readonly string[] = required;

/** The TCP analysis flags issue #3 names, as tshark fields. */
export const ANALYSIS_FIELDS = [
  'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.spurious_retransmission',
  'tcp.analysis.out_of_order', 'tcp.analysis.lost_segment', 'tcp.analysis.ack_lost_segment', 'tcp.analysis.duplicate_ack',
  'tcp.analysis.zero_window', 'tcp.analysis.zero_window_probe', 'tcp.analysis.window_full', 'tcp.analysis.window_update',
  'tcp.analysis.keep_alive', 'tcp.analysis.keep_alive_ack', 'tcp.analysis.reused_ports',
] as const;

/**
 * Fields beyond the required ones that lossy real-world transfers exercise and a student sees in the
 * detail tree: the protocol stack (retransmitted payloads are not handed to a protocol), every expert
 * message, bytes in flight (SACK-aware), conversation completeness, D-SACK edges, TCP Fast Open, and a pcapng
 * frame's section and interface.
 */
export const DETAIL_FIELDS = [
  'frame.protocols', '_ws.expert.message', 'tcp.analysis.bytes_in_flight', 'tcp.completeness',
  'tcp.options.sack.dsack_le', 'tcp.options.sack.dsack_re', 'tcp.options.tfo.cookie',
  'frame.section_number', 'frame.interface_id', 'frame.interface_name', 'frame.interface_description',
  '_ws.expert', 'frame.comment', 'frame.packet_flags', 'frame.packet_flags_direction', 'frame.packet_flags_reception_type',
] as const;

/**
 * Every field the engine registers (frame.time aside: its text depends on the time zone), each compared
 * with tshark on every corpus capture, so a field added later is compared too.
 */
export function everyField(): string[] {
  return allFields().map((f) => f.name).filter((n) => n !== 'frame.time');
}

/**
 * Every protocol the engine registers, as a field (tshark -e tcp, -e eth, -e data, -e _ws.malformed): tshark
 * prints a protocol item's label, its bare name when the dissector gave it no label, Data's bytes in hex.
 */
export function protocolItemFields(): string[] {
  return allFields().filter((f) => f.kind === 'protocol').map((f) => f.name).sort();
}

/**
 * Every field the engine registers for IP reassembly, TCP desegmentation, DNS and HTTP (and the bodies HTTP
 * hands on), by name: the comparisons with tshark check them all, so a field added later is checked too.
 */
export function protocolFields(): string[] {
  const prefixes = ['ip.fragment', 'ip.reassembled', 'ipv6.fragment', 'ipv6.reassembled', 'tcp.segment', 'tcp.reassembled', 'tcp.pdu.',
    'dns.', 'http.', 'media.', 'urlencoded-form.', 'udp.stream'];
  return allFields().filter((f) => f.kind !== 'protocol' && prefixes.some((p) => f.name.startsWith(p))).map((f) => f.name).sort();
}

/** Every item of a tree as "name display", depth first (what a screen could show of it). */
export function itemTexts(fs: Field[], out: string[] = []): string[] {
  for (const f of fs) { out.push(`${f.name} ${f.display}`); itemTexts(f.children, out); }
  return out;
}
