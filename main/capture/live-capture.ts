// The one interface the back end uses for live capture. Two implementations: in-process over `cap`
// (cap-capture.ts, only where this process may already capture, e.g. root) and Wireshark's dumpcap as a
// separate helper process, the only program that holds capture privileges (helper-capture.ts).
// Kept minimal and plain-data so it crosses a process boundary unchanged.
import type { RawFrame } from '../engine/types';
import type { ApiErrorInfo, NetworkInterface } from '../api/types';

export interface LiveCaptureOptions {
  /** Interface name as listInterfaces gives it ("lo", "eth0", "\\Device\\NPF_{…}"). */
  interface: string;
  /** BPF filter ("" for none). */
  filter: string;
  snaplen: number;
}

export interface LiveCaptureStats {
  /** Frames delivered to us so far. */
  captured: number;
  /** libpcap's ps_drop (dropped by the kernel for lack of buffer space). */
  droppedByKernel: number;
  /** libpcap's ps_ifdrop, where the platform reports it (else 0). */
  droppedByInterface: number;
}

export interface LiveCaptureEvents {
  /** Frames in capture order. The receiver owns `data` (implementations must not reuse the buffer). */
  frames(frames: RawFrame[]): void;
  /** Periodic counters (at least once a second while running, and once at the end). */
  stats(stats: LiveCaptureStats): void;
  /** A fatal error after start (interface went away, helper died): the capture has stopped. */
  error(error: ApiErrorInfo): void;
}

export interface LiveCaptureSession {
  /** LINKTYPE_* of the opened interface. */
  readonly linktype: number;
  /** Stops capturing; resolves with the final counters once every captured frame was delivered. */
  stop(): Promise<LiveCaptureStats>;
}

export interface LiveCapture {
  /** Whether capture can work in this process/OS, and if not why (one English sentence). */
  availability(): Promise<{ available: boolean; reason?: string }>;
  /** Interfaces with friendly names and addresses, loopback first. */
  listInterfaces(): Promise<NetworkInterface[]>;
  /**
   * Starts capturing. Rejects with an ApiError whose code is one of capture_unavailable,
   * permission_denied, no_such_interface, bad_filter (message says what happened and what to do).
   */
  start(options: LiveCaptureOptions, events: LiveCaptureEvents): Promise<LiveCaptureSession>;
}
