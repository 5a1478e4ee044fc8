// The [SEQ/ACK analysis] subtree of a TCP segment, in Wireshark 4.0's layout
// (tcp_print_sequence_number_analysis): ACK facts, iRTT, bytes in flight, then the analysis flags,
// each an item with its expert item beneath it, and the duplicate-ACK count and frame.
import type { Field, TcpAnalysis } from '../types';
import { generated, unwanted } from '../fields/tree';
import { defineField } from '../fields/registry';
import type { Ctx } from './context';
import { expert, defineExpert } from './expert';
import { secondsString } from './frame';

const T = {
  analysis: defineField('tcp.analysis', 'SEQ/ACK analysis', 'none'),
  flags: defineField('tcp.analysis.flags', 'TCP Analysis Flags', 'none'),
  acksFrame: defineField('tcp.analysis.acks_frame', 'This is an ACK to the segment in frame', 'uint'),
  ackRtt: defineField('tcp.analysis.ack_rtt', 'The RTT to ACK the segment was', 'time'),
  initialRtt: defineField('tcp.analysis.initial_rtt', 'iRTT', 'time'),
  bif: defineField('tcp.analysis.bytes_in_flight', 'Bytes in flight', 'uint'),
  push: defineField('tcp.analysis.push_bytes_sent', 'Bytes sent since last PSH flag', 'uint'),
  dupNum: defineField('tcp.analysis.duplicate_ack_num', 'Duplicate ACK #', 'uint'),
  dupFrame: defineField('tcp.analysis.duplicate_ack_frame', 'Duplicate to the ACK in frame', 'uint'),
  rto: defineField('tcp.analysis.rto', 'The RTO for this segment was', 'time'),
  rtoFrame: defineField('tcp.analysis.rto_frame', 'RTO based on delta from frame', 'uint'),
};

for (const f of ['retransmission', 'fast_retransmission', 'spurious_retransmission', 'out_of_order', 'lost_segment', 'ack_lost_segment',
  'duplicate_ack', 'zero_window', 'zero_window_probe', 'zero_window_probe_ack', 'window_full', 'window_update', 'keep_alive',
  'keep_alive_ack', 'reused_ports']) defineExpert(`tcp.analysis.${f}`, f.replace(/_/g, ' '));


/**
 * Adds the analysis subtree. `primary` are the flags as the tracker raised them (a fast
 * retransmission is reported as fast_retransmission + retransmission; only the first counts here).
 */
export function analysisTree(c: Ctx, tree: Field[], a: TcpAnalysis, off: number): void {
  const top = generated(tree, T.analysis.name, 1, 'SEQ/ACK analysis', off);
  const t = top.children;
  if (a.acksFrame !== undefined) {
    generated(t, T.acksFrame.name, a.acksFrame, `This is an ACK to the segment in frame: ${a.acksFrame}`, off);
    if (a.ackRtt !== undefined) {
      const s = unwanted(T.ackRtt.name) ? '' : secondsString(a.ackRtt);
      generated(t, T.ackRtt.name, s, `The RTT to ACK the segment was: ${s} seconds`, off);
    }
  }
  if (a.initialRtt !== undefined) {
    const s = unwanted(T.initialRtt.name) ? '' : secondsString(a.initialRtt);
    generated(t, T.initialRtt.name, s, `iRTT: ${s} seconds`, off);
  }
  // Wireshark shows the bytes since the last PSH only beside a (nonzero) bytes in flight.
  if (a.bytesInFlight !== undefined) {
    generated(t, T.bif.name, a.bytesInFlight, `Bytes in flight: ${a.bytesInFlight}`, off);
    const push = a.pushBytesSent ?? 0;
    generated(t, T.push.name, push, `Bytes sent since last PSH flag: ${push}`, off);
  }
  if (!a.flags.length) return;
  // Wireshark 4.0 raises each flag's expert on the "TCP Analysis Flags" item itself; a duplicate ACK
  // is an item there, its expert sits on the duplicate-to frame below.
  const fl = generated(t, T.flags.name, 1, 'TCP Analysis Flags', off);
  for (const e of a.expert) {
    const name = e.field ?? '';
    if (name === 'tcp.analysis.duplicate_ack') {
      generated(fl.children, name, 1, 'This is a TCP duplicate ack', off);
      continue;
    }
    expert(c, fl.children, off, e.severity, e.group, e.message, name);
    if (name === 'tcp.analysis.retransmission' && a.rto !== undefined) {
      const s = secondsString(a.rto);
      generated(fl.children, T.rto.name, s, `The RTO for this segment was: ${s} seconds`, off);
      generated(fl.children, T.rtoFrame.name, a.rtoFrame ?? 0, `RTO based on delta from frame: ${a.rtoFrame ?? 0}`, off);
    }
  }
  if (a.dupAckNum !== undefined && a.flags.includes('duplicate_ack')) {
    generated(t, T.dupNum.name, a.dupAckNum, `Duplicate ACK #: ${a.dupAckNum}`, off);
    const fr = generated(t, T.dupFrame.name, a.dupAckFrame ?? 0, `Duplicate to the ACK in frame: ${a.dupAckFrame ?? 0}`, off);
    expert(c, fr.children, off, 'note', 'sequence', `Duplicate ACK (#${a.dupAckNum})`, 'tcp.analysis.duplicate_ack');
  }
}
