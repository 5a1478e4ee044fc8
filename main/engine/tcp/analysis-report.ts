// How Wireshark 4.0 reports the analysis of a frame: the tcp.analysis.* flags, the expert items it
// raises (tcp_sequence_number_analysis_print_*), in its order, and the Info-column prefixes, each
// prepended in turn (col_prepend_fence_fstr), so the last one raised ends up first.
import type { ExpertItem, ExpertSeverity, TcpAnalysisFlag } from '../types';
import {
  A_ACK_LOST_PACKET, A_DUPLICATE_ACK, A_FAST_RETRANSMISSION, A_KEEP_ALIVE, A_KEEP_ALIVE_ACK, A_LOST_PACKET,
  A_OUT_OF_ORDER, A_RETRANSMISSION, A_REUSED_PORTS, A_SPURIOUS_RETRANSMISSION, A_WINDOW_FULL, A_WINDOW_UPDATE,
  A_ZERO_WINDOW, A_ZERO_WINDOW_PROBE, A_ZERO_WINDOW_PROBE_ACK,
} from './sequence-analysis';

interface ExpertDef {
  flag: TcpAnalysisFlag;
  severity: ExpertSeverity;
  message: string;
}

/** Wireshark's ei_tcp_analysis_* registrations (field, severity, message; all in group "sequence"). */
export const EXPERTS: Readonly<Record<TcpAnalysisFlag, ExpertDef>> = {
  retransmission: { flag: 'retransmission', severity: 'note', message: 'This frame is a (suspected) retransmission' },
  fast_retransmission: { flag: 'fast_retransmission', severity: 'note', message: 'This frame is a (suspected) fast retransmission' },
  spurious_retransmission: { flag: 'spurious_retransmission', severity: 'note', message: 'This frame is a (suspected) spurious retransmission' },
  out_of_order: { flag: 'out_of_order', severity: 'warning', message: 'This frame is a (suspected) out-of-order segment' },
  reused_ports: { flag: 'reused_ports', severity: 'note', message: 'A new tcp session is started with the same ports as an earlier session in this trace' },
  lost_segment: { flag: 'lost_segment', severity: 'warning', message: 'Previous segment(s) not captured (common at capture start)' },
  ack_lost_segment: { flag: 'ack_lost_segment', severity: 'warning', message: "ACKed segment that wasn't captured (common at capture start)" },
  window_update: { flag: 'window_update', severity: 'chat', message: 'TCP window update' },
  window_full: { flag: 'window_full', severity: 'warning', message: 'TCP window specified by the receiver is now completely full' },
  keep_alive: { flag: 'keep_alive', severity: 'note', message: 'TCP keep-alive segment' },
  keep_alive_ack: { flag: 'keep_alive_ack', severity: 'note', message: 'ACK to a TCP keep-alive segment' },
  duplicate_ack: { flag: 'duplicate_ack', severity: 'note', message: 'Duplicate ACK' },
  zero_window_probe: { flag: 'zero_window_probe', severity: 'note', message: 'TCP Zero Window Probe' },
  zero_window: { flag: 'zero_window', severity: 'warning', message: 'TCP Zero Window segment' },
  zero_window_probe_ack: { flag: 'zero_window_probe_ack', severity: 'note', message: 'ACK to a TCP Zero Window Probe' },
};

/** One reported item, in Wireshark's print order: which bit, which expert fields, which Info prefix. */
interface Step {
  bit: number;
  experts: TcpAnalysisFlag[];
  prefix: string | null;
}

// The order of tcp_print_sequence_number_analysis: reused, retransmission group, lost, window,
// keep-alive, duplicate ACK, zero window. Fast and spurious retransmissions also raise "retransmission".
const STEPS: Step[] = [
  { bit: A_REUSED_PORTS, experts: ['reused_ports'], prefix: '[TCP Port numbers reused] ' },
  { bit: A_RETRANSMISSION, experts: ['retransmission'], prefix: '[TCP Retransmission] ' },
  { bit: A_FAST_RETRANSMISSION, experts: ['fast_retransmission', 'retransmission'], prefix: '[TCP Fast Retransmission] ' },
  { bit: A_SPURIOUS_RETRANSMISSION, experts: ['spurious_retransmission', 'retransmission'], prefix: '[TCP Spurious Retransmission] ' },
  { bit: A_OUT_OF_ORDER, experts: ['out_of_order'], prefix: '[TCP Out-Of-Order] ' },
  { bit: A_LOST_PACKET, experts: ['lost_segment'], prefix: '[TCP Previous segment not captured] ' },
  { bit: A_ACK_LOST_PACKET, experts: ['ack_lost_segment'], prefix: '[TCP ACKed unseen segment] ' },
  { bit: A_WINDOW_UPDATE, experts: ['window_update'], prefix: '[TCP Window Update] ' },
  { bit: A_WINDOW_FULL, experts: ['window_full'], prefix: '[TCP Window Full] ' },
  { bit: A_KEEP_ALIVE, experts: ['keep_alive'], prefix: '[TCP Keep-Alive] ' },
  { bit: A_KEEP_ALIVE_ACK, experts: ['keep_alive_ack'], prefix: '[TCP Keep-Alive ACK] ' },
  { bit: A_DUPLICATE_ACK, experts: ['duplicate_ack'], prefix: null }, // prefix carries frame and count
  { bit: A_ZERO_WINDOW_PROBE, experts: ['zero_window_probe'], prefix: '[TCP ZeroWindowProbe] ' },
  { bit: A_ZERO_WINDOW, experts: ['zero_window'], prefix: '[TCP ZeroWindow] ' },
  { bit: A_ZERO_WINDOW_PROBE_ACK, experts: ['zero_window_probe_ack'], prefix: '[TCP ZeroWindowProbeAck] ' },
];

export interface Report {
  /** Flags by tcp.analysis.* name, each once, in Wireshark's order ("retransmission" also for fast/spurious). */
  flags: TcpAnalysisFlag[];
  expert: ExpertItem[];
  infoPrefix: string;
}

/**
 * The flags, expert items and Info prefix for a frame's TCP_A_* bits (only called when some are set).
 * Wireshark raises the duplicate-ACK expert only when a duplicate ACK number exists, with the count
 * in its message.
 */
export function report(bits: number, dupAckNum: number, dupAckFrame: number): Report {
  const flags: TcpAnalysisFlag[] = [];
  const expert: ExpertItem[] = [];
  let infoPrefix = '';
  for (const step of STEPS) {
    if (!(bits & step.bit)) continue;
    if (step.bit === A_DUPLICATE_ACK) {
      if (!dupAckNum) continue;
      flags.push('duplicate_ack');
      expert.push({ severity: 'note', group: 'sequence', message: `Duplicate ACK (#${dupAckNum})`, field: 'tcp.analysis.duplicate_ack' });
      infoPrefix = `[TCP Dup ACK ${dupAckFrame}#${dupAckNum}] ` + infoPrefix;
      continue;
    }
    for (const name of step.experts) {
      if (!flags.includes(name)) flags.push(name);
      const d = EXPERTS[name];
      expert.push({ severity: d.severity, group: 'sequence', message: d.message, field: `tcp.analysis.${name}` });
    }
    if (step.prefix) infoPrefix = step.prefix + infoPrefix;
  }
  return { flags, expert, infoPrefix };
}
