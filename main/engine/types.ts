// The engine's shared vocabulary: raw frames in, decoded frames out.
// Shapes here are what `decode --jsonl` prints and what the API carries to the renderer.

/** One captured frame as a file reader or a live capture hands it over. */
export interface RawFrame {
  /** Captured bytes (length = caplen). May be a view into a larger buffer: copy before keeping. */
  data: Uint8Array;
  /** Original length on the wire (frame.len). */
  len: number;
  /** Link-layer type (LINKTYPE_* number, e.g. 1 Ethernet, 0 NULL, 113 SLL, 276 SLL2, 101 raw IP; -1 for pcapng records that are not packets). */
  linktype: number;
  /** Interface index within the file (pcapng IDB number; 0 for classic pcap). */
  interface: number;
  /** Timestamp: whole seconds since the epoch. */
  tsSec: number;
  /**
   * Timestamp: nanoseconds within the second, normally 0..999_999_999 (exact: resolution converted without floats).
   * As in tshark, a damaged classic pcap record can carry a fraction ≥ 1 s or a negative one (a signed 32-bit
   * count); tshark prints those unnormalised ("….1000000000", "-….000000001"), so the reader keeps them.
   */
  tsNsec: number;
  /** pcapng opt_comment values, if any. */
  comments?: string[];
  /** pcapng only: the section (0-based) the frame came from; `interface` is numbered within it, as frame.interface_id is. */
  section?: number;
  /** The record carries no timestamp (pcapng simple packet block, custom block): tshark shows no frame.time_* fields. */
  noTimestamp?: boolean;
  /** No interface id (classic pcap files, pcapng records not tied to an interface): tshark shows no frame.interface_id. */
  noInterfaceId?: boolean;
  /** False when the record carries no timestamp (pcapng simple packet block): tshark then shows no frame.time* fields. */
  hasTimestamp?: boolean;
  /**
   * pcapng only (tshark shows no interface for classic pcap): the section (1-based) and the interface's
   * if_name / if_description, for frame.section_number and frame.interface_*. May be shared between frames.
   */
  pcapng?: { section: number; ifName?: string; ifDescription?: string };
  /**
   * Decimal digits the capture's timestamps have (wiretap's precision: 9 for ns, 6 for µs, 3 for ms…);
   * the Time column shows the relative time to these digits, as tshark does. Absent: 6.
   */
  tsPrecision?: number;
  /** pcapng epb_flags (direction, reception type, link errors), when the packet block carries them. */
  packetFlags?: number;
  /** pcapng epb_dropcount (or an obsolete packet block's drops count), when the block gives one. */
  dropCount?: number;
  /** A pcapng custom block, listed as a frame: its Private Enterprise Number and whether it may be copied. */
  custom?: { pen: number; copy: boolean };
}

/**
 * A field value exactly as `tshark -T fields` prints it: a JSON number for plain integers,
 * tshark's own string for everything else ("0x0002", "127.0.0.1", "00:00:00:00:00:00", "0402").
 * null for items that have no value of their own (protocol subtrees, text labels).
 */
export type FieldValue = number | string | null;

/** One item of the protocol tree, in the Wireshark model. */
export interface Field {
  /** Wireshark display-filter name, e.g. "tcp.flags.syn". Text-only labels use "" . */
  name: string;
  value: FieldValue;
  /** What Wireshark's detail pane would show, e.g. "Source Port: 42926". */
  display: string;
  /** Byte offset of the item within the frame, and its length (so a click can highlight bytes). */
  offset: number;
  length: number;
  children: Field[];
  /**
   * Wireshark's generated item: the dissector worked it out (stream index, analysis, expert info),
   * it is not a header field read from the bytes. tshark -V shows it in brackets, and so does `display`.
   * Absent when false.
   */
  generated?: true;
  /**
   * Where offset/length point when not into the frame's own bytes: 1-based index into
   * DecodedFrame.sources (a reassembled buffer). Absent: the enclosing item's or layer's source.
   */
  source?: number;
  /** Wireshark's hidden items: filterable and printed by tshark -T fields, never shown by tshark -V. */
  hidden?: true;
}

export type OsiLayer = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export type TcpIpLayer = 1 | 2 | 3 | 4 | 5;

/** One protocol layer of a frame (frame, eth, ip, tcp, …). */
export interface Layer {
  /** Wireshark protocol filter name: frame, eth, vlan, sll, null, ip, ipv6, arp, icmp, icmpv6, udp, tcp, http, data. */
  protocol: string;
  /** Human title, as the first line of Wireshark's subtree ("Transmission Control Protocol, Src Port: …"). */
  title: string;
  osi: OsiLayer;
  tcpip: TcpIpLayer;
  offset: number;
  length: number;
  fields: Field[];
  /** 1-based index into DecodedFrame.sources when the layer was dissected from a reassembled buffer. */
  source?: number;
  /**
   * Present when this top-level item is a field, not a protocol (tshark's "[2 Reassembled TCP
   * Segments …]", tcp.segments): the value tshark prints for it.
   */
  value?: FieldValue;
  /** Set with `value`: the item is generated, its title in brackets (as tshark -V prints tcp.segments). */
  generated?: true;
}

export type ExpertSeverity = 'error' | 'warning' | 'note' | 'chat';
/** Wireshark's expert groups, lower-case. */
export type ExpertGroup = 'malformed' | 'sequence' | 'protocol' | 'checksum' | 'undecoded' | 'reassemble' | 'comment' | 'request_code' | 'response_code' | 'security' | 'deprecated';

export interface ExpertItem {
  severity: ExpertSeverity;
  group: ExpertGroup;
  message: string;
  /** The filter name of the expert field, e.g. "tcp.analysis.retransmission" or "_ws.malformed". */
  field?: string;
}

/** RFC 9293 state names, in capitals with underscores. */
export type TcpState =
  | 'CLOSED' | 'LISTEN' | 'SYN_SENT' | 'SYN_RECEIVED' | 'ESTABLISHED'
  | 'FIN_WAIT_1' | 'FIN_WAIT_2' | 'CLOSE_WAIT' | 'CLOSING' | 'LAST_ACK' | 'TIME_WAIT';

export type Endpoint = 'client' | 'server';

/**
 * Why a state changed: a code the UI translates, and an English default text. Every change is an edge of
 * RFC 9293's diagram (any state may also go to CLOSED). `refused`: an RST answered the SYN (no listener).
 */
export type TransitionCause =
  | 'snd_syn' | 'rcv_syn' | 'snd_syn_ack' | 'rcv_syn_ack' | 'rcv_ack_of_syn'
  | 'snd_fin' | 'rcv_fin' | 'fin_acked' | 'snd_rst' | 'rcv_rst' | 'refused' | 'simultaneous_open' | 'crossing_fins';

export interface Transition {
  endpoint: Endpoint;
  from: TcpState;
  to: TcpState;
  cause: TransitionCause;
  /** English text a student can read: "received SYN", "sent FIN", "FIN acknowledged". */
  text: string;
}

export interface EndpointStates {
  client: TcpState;
  server: TcpState;
}

/**
 * How a connection's endpoints stood before its first captured frame (a start, not a transition):
 * `syn` the capture saw the opening SYN (client CLOSED; server LISTEN, or CLOSED when it refused or
 * opened actively itself), `syn_ack` it began at the SYN-ACK (SYN_SENT / SYN_RECEIVED), `mid_stream`
 * it began later (both ESTABLISHED).
 */
export type StartCause = 'syn' | 'syn_ack' | 'mid_stream';

export interface ConnectionStart extends EndpointStates {
  cause: StartCause;
  /** English text for `cause`. */
  text: string;
}

/**
 * Why an endpoint did not change state where a student might expect it to: `no_answer` the SYN was not
 * answered in the capture (the server is shown LISTEN); `no_listener` nothing listened on the port, the
 * kernel answered the SYN with RST (there is no server socket: CLOSED throughout).
 */
export type StateNoteCode = 'no_answer' | 'no_listener';

export interface StateNote {
  endpoint: Endpoint;
  code: StateNoteCode;
  /** English text for `code`. */
  text: string;
}

/** A frame after dissection and TCP tracking: one line of `decode --jsonl`. */
export interface DecodedFrame {
  frame: number;
  /** frame.time_epoch as an exact decimal string with 9 fraction digits, e.g. "1795512798.839475000". */
  time: string;
  caplen: number;
  len: number;
  linktype: number;
  interface: number;
  /** tcp.stream of the frame's (outermost) TCP segment; null when it has none. */
  stream: number | null;
  layers: Layer[];
  /** Wireshark's Info column. */
  info: string;
  /** Summary columns, as Wireshark's Source / Destination / Protocol columns. */
  src: string;
  dst: string;
  protocol: string;
  /** TCP analysis flags set on this frame, by their tcp.analysis.* names without the prefix. */
  analysis: TcpAnalysisFlag[];
  malformed: boolean;
  expert: ExpertItem[];
  /**
   * Both endpoints' states after this frame was sent and received, by the receiver's evidence (DECISIONS);
   * null for non-TCP frames. Decided with a bounded look-ahead: see Decoder.settledBefore.
   */
  states: EndpointStates | null;
  transitions: Transition[] | null;
  /** Notes on states that stayed as they were (only when there are some). */
  notes?: StateNote[];
  /** On a connection's first frame: both endpoints' states before it (only there). */
  start?: ConnectionStart;
  /**
   * Byte buffers besides the frame that items point into (Wireshark's data sources, e.g. "Reassembled
   * IPv4 (3008 bytes)"), in order: Field.source / Layer.source n means sources[n - 1]. Absent when none.
   */
  sources?: DataSource[];
}

/** A reassembled buffer a frame's items point into. */
export interface DataSource {
  /** Wireshark's tab name, e.g. "Reassembled TCP (1282 bytes)". */
  name: string;
  length: number;
}

export type TcpAnalysisFlag =
  | 'retransmission' | 'fast_retransmission' | 'spurious_retransmission' | 'out_of_order'
  | 'lost_segment' | 'ack_lost_segment' | 'duplicate_ack' | 'zero_window' | 'zero_window_probe'
  | 'zero_window_probe_ack' | 'window_full' | 'window_update' | 'keep_alive' | 'keep_alive_ack' | 'reused_ports';

/** TCP flag bits as in the 12-bit tcp.flags field. */
export const TCP_FIN = 0x001, TCP_SYN = 0x002, TCP_RST = 0x004, TCP_PSH = 0x008, TCP_ACK = 0x010,
  TCP_URG = 0x020, TCP_ECE = 0x040, TCP_CWR = 0x080, TCP_AE = 0x100;

/**
 * The facts of one TCP segment that conversation tracking, analysis and state inference need.
 * Plain numbers only, so the fast `stats` path can fill one without building a field tree.
 */
export interface TcpSegment {
  /** frame.number */
  frame: number;
  /**
   * Seconds since the session's first frame (`captureTime(session, raw)` in session.ts), computed from
   * the exact parts, so differences (RTT, deltas) stay exact to the nanosecond when rounded.
   * Never epoch seconds: a double holds an epoch only to ~0.2 µs.
   */
  time: number;
  /** Network addresses as strings (IPv4 dotted, IPv6 compressed) and ports. */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** Raw 32-bit sequence and acknowledgment numbers. */
  seq: number;
  ack: number;
  /** 12-bit flags (TCP_* bits). */
  flags: number;
  /** Raw window field (unscaled). */
  window: number;
  /** tcp.len: payload bytes in this segment (from the IP length, not the capture length). */
  len: number;
  urgentPointer: number;
  /** Options seen in the header (undefined when absent). */
  mss?: number;
  wscaleShift?: number;
  sackPerm?: boolean;
  /** SACK blocks as raw [left, right) pairs, flattened: [le0, re0, le1, re1, …]. */
  sack?: number[];
  tsval?: number;
  tsecr?: number;
  /** An Accurate ECN option (kind 172 or 174) of a valid length. */
  accEcnOption?: boolean;
}

/** What conversation tracking and analysis learned of a segment (tcp.stream, relative numbers, tcp.analysis.*). */
export interface TcpAnalysis {
  /** tcp.stream */
  stream: number;
  /** 0 when the segment goes from the stream's first-seen side (client), 1 otherwise. */
  direction: 0 | 1;
  /** Relative tcp.seq, tcp.ack, tcp.nxtseq (as tshark shows them by default). */
  seq: number;
  ack: number;
  nxtseq: number;
  /** tcp.window_size (scaled when the handshake's scale is known) and tcp.window_size_scalefactor (-1 unknown, -2 no scaling). */
  windowSize: number;
  windowScalefactor: number;
  flags: TcpAnalysisFlag[];
  /** tcp.analysis.duplicate_ack_num / duplicate_ack_frame when a duplicate ACK. */
  dupAckNum?: number;
  dupAckFrame?: number;
  /** tcp.analysis.acks_frame and tcp.analysis.ack_rtt (seconds) when this segment ACKs an earlier one. */
  acksFrame?: number;
  ackRtt?: number;
  /** tcp.analysis.initial_rtt (seconds), once the handshake completed. */
  initialRtt?: number;
  /** tcp.analysis.bytes_in_flight and tcp.analysis.push_bytes_sent, when Wireshark shows them. */
  bytesInFlight?: number;
  pushBytesSent?: number;
  /** tcp.analysis.rto (seconds) and tcp.analysis.rto_frame for retransmissions. */
  rto?: number;
  rtoFrame?: number;
  /** tcp.time_relative and tcp.time_delta (seconds). */
  timeRelative: number;
  timeDelta: number;
  /** Expert items for the analysis flags, as Wireshark raises them. */
  expert: ExpertItem[];
  /** Prefix Wireshark prepends to the Info column, e.g. "[TCP Retransmission] " (may be ""). */
  infoPrefix: string;
  /**
   * What the detail tree shows beside the analysis, packed (so a stored frame re-dissects the same):
   * bits 0-5 tcp.completeness before this segment, bit 6 the [SEQ/ACK analysis] subtree exists,
   * bit 7 a FIN from the closing initiator ("initiates the connection closing").
   */
  view?: number;
  /** The peer's base sequence number, only on segments with SACK blocks (their edges are shown relative). */
  peerBase?: number;
}
