// The fields issue #3 requires `decode --jsonl` to carry, by their tshark 4.0 names.
export const REQUIRED_FIELDS = [
  'frame.number', 'frame.len', 'frame.cap_len', 'frame.time_epoch',
  'eth.src', 'eth.dst', 'eth.type', 'vlan.id', 'null.family',
  'sll.pkttype', 'sll.ifindex', 'sll.etype',
  'ip.version', 'ip.hdr_len', 'ip.dsfield', 'ip.len', 'ip.id', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset', 'ip.ttl', 'ip.proto', 'ip.checksum', 'ip.src', 'ip.dst',
  'ipv6.plen', 'ipv6.nxt', 'ipv6.hlim', 'ipv6.src', 'ipv6.dst', 'ipv6.flow',
  'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4',
  'icmp.type', 'icmp.code',
  'udp.srcport', 'udp.dstport', 'udp.length',
  'tcp.srcport', 'tcp.dstport', 'tcp.stream', 'tcp.len', 'tcp.seq', 'tcp.seq_raw', 'tcp.nxtseq', 'tcp.ack', 'tcp.ack_raw', 'tcp.hdr_len', 'tcp.flags',
  'tcp.window_size_value', 'tcp.window_size', 'tcp.checksum', 'tcp.urgent_pointer',
  'tcp.options.mss_val', 'tcp.options.wscale.shift', 'tcp.options.wscale.multiplier', 'tcp.options.sack_perm',
  'tcp.options.timestamp.tsval', 'tcp.options.timestamp.tsecr', 'tcp.options.sack_le', 'tcp.options.sack_re',
] as const;

/** The TCP analysis flags issue #3 names, as tshark fields. */
export const ANALYSIS_FIELDS = [
  'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.spurious_retransmission',
  'tcp.analysis.out_of_order', 'tcp.analysis.lost_segment', 'tcp.analysis.ack_lost_segment', 'tcp.analysis.duplicate_ack',
  'tcp.analysis.zero_window', 'tcp.analysis.zero_window_probe', 'tcp.analysis.window_full', 'tcp.analysis.window_update',
  'tcp.analysis.keep_alive', 'tcp.analysis.keep_alive_ack', 'tcp.analysis.reused_ports',
] as const;
