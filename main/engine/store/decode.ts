// The Decoder's pipeline for one frame, returning the TCP segment and analysis as well as the
// DecodedFrame (the store keeps what the first pass learned; the ladder needs raw numbers).
// Decoder.decode is this function, so the store and the CLI cannot disagree.
import type { DecodedFrame, RawFrame, TcpAnalysis, TcpSegment } from '../types';
import { dissectFrame, type DissectResult } from '../dissect/index';
import { captureTime, type Session } from '../session';
import type { StreamOnly } from '../tcp/tracker';
import type { StateReport } from '../tcp/states';
import { epochString } from '../fields/format';
import type { Source } from '../dissect/context';
import type { Tape } from '../tape';

export interface FullDecode {
  frame: DecodedFrame;
  tcp: { segment: TcpSegment; analysis: TcpAnalysis } | null;
  /** Seconds since the session's first frame. */
  time: number;
  /** The TCP header was read to its end (what tshark's conversation table counts). */
  tapped: boolean;
  tcpOnly: StreamOnly | null;
  /** The reassembled buffers frame.sources names, with their bytes (for the hex view). */
  sources: Source[];
  /** Cross-frame facts the first pass recorded (when the session keeps tapes), for the store. */
  tape: Tape | null;
}

/** A dissector that throws is a bug; the frame is still stored (numbering stays Wireshark's) and flagged. */
function failed(e: unknown): DissectResult {
  const message = `Dissector bug: ${e instanceof Error ? e.message : String(e)}`;
  return { layers: [], info: `[${message}]`, src: '', dst: '', protocol: 'Frame', malformed: true, expert: [{ severity: 'error', group: 'malformed', message }], tcp: null, stream: null, tapped: false, tcpOnly: null, sources: [], tape: null };
}

export function decodeInSession(raw: RawFrame, number: number, session: Session): FullDecode {
  const time = captureTime(session, raw);
  let r: DissectResult;
  try {
    r = dissectFrame(raw, number, session);
  } catch (e) {
    r = failed(e);
  }
  const stream = r.stream;
  const analysis: DecodedFrame['analysis'] = r.tcp ? r.tcp.analysis.flags : [];
  const report = r.tcp ? session.states.onSegment(r.tcp.segment, r.tcp.analysis) : null;
  const frame: DecodedFrame = {
    frame: number,
    time: epochString(raw.tsSec, raw.tsNsec),
    caplen: raw.data.length,
    len: raw.len,
    linktype: raw.linktype,
    interface: raw.interface,
    stream,
    layers: r.layers,
    info: r.info,
    src: r.src,
    dst: r.dst,
    protocol: r.protocol,
    analysis,
    malformed: r.malformed,
    expert: r.expert,
    states: null,
    transitions: null,
  };
  if (report) applyReport(frame, report);
  if (r.sources.length) frame.sources = r.sources.map((s) => ({ name: s.name, length: s.data.length }));
  return { frame, tcp: r.tcp, time, tapped: r.tapped, tcpOnly: r.tcpOnly, sources: r.sources, tape: r.tape };
}

/** Puts a state report (first or revised) into the frame, keys in their order: states, transitions, notes, start. */
export function applyReport(frame: DecodedFrame, report: StateReport): void {
  frame.states = report.states;
  frame.transitions = report.transitions;
  delete frame.notes;
  delete frame.start;
  if (report.notes) frame.notes = report.notes;
  if (report.start) frame.start = report.start;
}
