// Shapes the store hands out. They mirror main/api/types.ts (FrameRow, ConnectionSummary, LadderSegment,
// Series), which the engine may not import; the back end checks at compile time that they still match.
import type { ConnectionStart, EndpointStates, StateNote, TcpAnalysisFlag, Transition } from '../types';

export interface StoreRow {
  number: number;
  time: number;
  /** The Time column as tshark prints it (timeColumn). */
  timeText: string;
  src: string;
  dst: string;
  protocol: string;
  length: number;
  info: string;
  stream: number | null;
  states: EndpointStates | null;
  analysis: TcpAnalysisFlag[];
  malformed: boolean;
}

export interface StoreConnection {
  stream: number;
  client: string;
  server: string;
  states: EndpointStates;
  frames: number;
  bytes: number;
  framesClientToServer: number;
  bytesClientToServer: number;
  framesServerToClient: number;
  bytesServerToClient: number;
  start: number;
  duration: number;
  firstFrame: number;
  lastFrame: number;
  handshakeRtt: number | null;
  retransmissions: number;
  startStates: ConnectionStart;
  provisionalFrom: number | null;
  programs?: StorePrograms;
}

/** A program holding one end of a connection: its pid (null when the OS will not tell) and name. */
export interface StoreProgram { pid: number | null; program: string }
/** Each end's program; null while none is known (not on this machine, or gone before it was asked). */
export interface StorePrograms { client: StoreProgram | null; server: StoreProgram | null }

export interface StoreLadderSegment {
  frame: number;
  time: number;
  direction: 'c2s' | 's2c';
  flags: number;
  seq: number;
  ack: number;
  seqRaw: number;
  ackRaw: number;
  len: number;
  window: number;
  analysis: TcpAnalysisFlag[];
  label: string;
  info: string;
  states: EndpointStates;
  transitions: Transition[];
  notes?: StateNote[];
}

export interface StoreLadderPage {
  summary: StoreConnection;
  total: number;
  start: number;
  segments: StoreLadderSegment[];
}

export type StoreSeriesKind = 'stevens' | 'acks' | 'segments' | 'throughput' | 'window' | 'rtt';

/** What a point is marked as: Wireshark's analysis of its segment (any retransmission kind counts as one). */
export type StoreSeriesMarkKind = 'retransmission' | 'duplicate_ack' | 'zero_window';
export interface StoreSeriesMark { index: number; kind: StoreSeriesMarkKind }

export interface StoreSeries {
  kind: StoreSeriesKind;
  stream: number;
  direction: 'c2s' | 's2c';
  x: number[];
  y: number[];
  frames: number[];
  /** 'rtt': RFC 6298 SRTT after each sample (α = 1/8). */
  smoothed?: number[];
  /** 'rtt': RFC 6298 RTTVAR after each sample (β = 1/4). */
  variation?: number[];
  /** 'stevens': where each segment's sequence space ends (seq + len, + 1 for SYN/FIN); 'acks': ack + the receive window. */
  upper?: number[];
  /** Points whose segment Wireshark's analysis flags, in index order. */
  marks?: StoreSeriesMark[];
}
