// Data shapes carried by the API (results and event payloads). Shared by Electron IPC, WebSocket and the renderer.
import type {
  ConnectionStart, DecodedFrame, EndpointStates, StartCause, StateNote, StateNoteCode, TcpAnalysisFlag, TcpState, Transition,
  TransitionCause,
} from '../engine/types';
import type { Localized } from '../lessons/schema';
import type { Exposure } from '../lessons/exposure';
import type { LessonView } from '../lessons/public';
import type { AnswerResult } from './classroom';

export type { Exposure, LessonView, Localized };

export type {
  ConnectionStart, DecodedFrame, EndpointStates, StartCause, StateNote, StateNoteCode, TcpAnalysisFlag, TcpState, Transition,
  TransitionCause,
};
export * from './classroom';

export type ErrorCode =
  | 'bad_request' | 'not_found' | 'capture_unavailable' | 'permission_denied' | 'no_such_interface'
  | 'bad_filter' | 'file_error' | 'busy' | 'port_in_use' | 'cancelled' | 'forbidden' | 'internal'
  /** Too many wrong answers to a lesson question in a row: its message says how many seconds to wait. */
  | 'rate_limited';

/** An error as it crosses the API: a code the UI translates, and an English message. */
export interface ApiErrorInfo {
  code: ErrorCode;
  message: string;
}

/** How to allow live capture on this OS (shown when capture is not permitted). */
export interface PermissionHelp {
  platform: string;
  /** Human steps, each a sentence; commands in `commands`. */
  steps: string[];
  commands: string[];
  /** Whether the app can do it for the user (e.g. with pkexec on Linux). */
  canFix: boolean;
}

/**
 * What "Allow capture" did. enabled: dumpcap may capture now (start at once); cancelled: the system's
 * prompt was dismissed; install: open `url` to install what is missing (Npcap); not_needed: this process
 * may capture already; failed: `message` says why. `capture` is the capture's availability afterwards.
 */
export interface EnableCaptureResult {
  outcome: 'enabled' | 'cancelled' | 'install' | 'not_needed' | 'failed';
  message: string;
  url?: string;
  capture: AppInfo['capture'];
}

export interface AppInfo {
  name: string;
  version: string;
  transport: 'ipc' | 'websocket';
  platform: string;
  /** OS/browser locale, e.g. "zh-CN", for the UI's default language. */
  locale: string;
  capture: { available: boolean; reason?: string; help: PermissionHelp };
}

export interface NetworkInterface {
  name: string;
  /** Friendly name, e.g. "Loopback" or the OS description. */
  description: string;
  addresses: string[];
  loopback: boolean;
}

export type CaptureSourceKind = 'live' | 'file' | 'experiment';

export interface CaptureStatus {
  state: 'idle' | 'loading' | 'running' | 'stopping' | 'error';
  source: CaptureSourceKind | null;
  interface?: string;
  filter?: string;
  /** The file behind the frames: an opened file, or the autosave pcapng of a live capture (never shown to students). */
  file?: string;
  error?: ApiErrorInfo;
  /** Traffic left out of a live capture: the server's own port on the interface that carries it. */
  excluded?: string;
  /** The capture stopped at a limit (size in bytes, or duration in seconds): every frame before it is kept. */
  limit?: { kind: 'bytes' | 'seconds'; value: number };
}

/** Frame counters, always available. Nothing is ever dropped from the store; only live pushes may skip. */
export interface Counters {
  /** Frames the capture delivered to us. */
  captured: number;
  /** Frames decoded and stored. */
  decoded: number;
  /** Frames the kernel dropped before we saw them (libpcap's ps_drop). */
  droppedByKernel: number;
  /** Frames we failed to store (always 0 unless a disk error occurs). */
  droppedByUs: number;
  /** Frames not pushed live to this client because it was behind (it can pull them). */
  skippedPush: number;
  /**
   * Frames marking segments the capture never saw (tcp.analysis.lost_segment or ack_lost_segment: a
   * gap in a connection's sequence numbers). Loss before us shows here at once, while the kernel's and
   * dumpcap's drop counters are known only when dumpcap stops.
   */
  missedSegments: number;
}

/** One row of the packet list. */
export interface FrameRow {
  number: number;
  /** Seconds since the first frame of the capture. */
  time: number;
  /** The Time column as tshark prints it: `time` exact, cut to the capture's precision ('' without a timestamp). */
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

/** One frame in full: its layers and bytes (lower-case hex), for the detail tree, hex view and layers view. */
export interface FrameDetail {
  frame: DecodedFrame;
  bytes: string;
  /** The bytes of frame.sources (reassembled buffers), lower-case hex, in the same order; absent when none. */
  sourceBytes?: string[];
}

export interface ConnectionSummary {
  stream: number;
  /** "ip:port" ("[v6]:port" for IPv6); the client is the first SYN's sender, else the first sender. */
  client: string;
  server: string;
  states: EndpointStates;
  frames: number;
  bytes: number;
  framesClientToServer: number;
  bytesClientToServer: number;
  framesServerToClient: number;
  bytesServerToClient: number;
  /** Seconds from the capture's first frame, and the connection's duration in seconds. */
  start: number;
  duration: number;
  firstFrame: number;
  lastFrame: number;
  /**
   * SYN to the client's ACK of the SYN-ACK (tcp.analysis.initial_rtt where the client's ACK set it), seconds;
   * null when no handshake was seen (a refused connection has none, though tshark sets initial_rtt at its RST).
   */
  handshakeRtt: number | null;
  retransmissions: number;
  /** Both endpoints' states before the connection's first frame, and why (a start, not a transition). */
  startStates: ConnectionStart;
  /**
   * Live: the first frame whose states may still be corrected (a segment there waits for its receiver's
   * next one; draw states from it on as provisional). null when every state is final.
   */
  provisionalFrom: number | null;
  /** Live captures: the program behind each end that runs on this machine (absent for files). */
  programs?: ConnectionPrograms;
}

/** A program holding one end of a connection: pid null and program "unknown" when the OS will not tell. */
export interface ProgramRef {
  pid: number | null;
  program: string;
}

/** Each end's program; null while none is known (another machine's end, or gone before it was asked). */
export interface ConnectionPrograms {
  client: ProgramRef | null;
  server: ProgramRef | null;
}

/** One arrow of the ladder diagram. */
export interface LadderSegment {
  frame: number;
  time: number;
  direction: 'c2s' | 's2c';
  flags: number;
  /** Relative and raw sequence / acknowledgment numbers. */
  seq: number;
  ack: number;
  seqRaw: number;
  ackRaw: number;
  len: number;
  window: number;
  analysis: TcpAnalysisFlag[];
  /** Wireshark-style label, e.g. "[SYN] Seq=0 Win=65495 Len=0". */
  label: string;
  info: string;
  states: EndpointStates;
  transitions: Transition[];
  /** Notes on states that did not change where one might expect (an unanswered SYN, no listener). */
  notes?: StateNote[];
}

export interface LadderPage {
  summary: ConnectionSummary;
  total: number;
  start: number;
  segments: LadderSegment[];
  /** The socket calls of the programs behind this connection, when the capture records them (experiments). */
  events: ExperimentEvent[];
}

export type SeriesKind = 'stevens' | 'acks' | 'segments' | 'throughput' | 'window' | 'rtt';

/** A point Wireshark's analysis flags (a retransmission, a duplicate ACK, a zero window), by its index. */
export interface SeriesMark { index: number; kind: 'retransmission' | 'duplicate_ack' | 'zero_window' }

export interface Series {
  kind: SeriesKind;
  stream: number;
  direction: 'c2s' | 's2c';
  /** x: seconds since the connection's first frame; y: the quantity (bytes, bytes/s, seconds). */
  x: number[];
  y: number[];
  /** Frame number of each point, to jump from a plot to the frame. */
  frames: number[];
  /** For 'rtt': the RFC 6298 smoothed estimate (SRTT) after each sample. */
  smoothed?: number[];
  /** 'stevens': where each segment's sequence space ends; 'acks': ACK + the advertised receive window. */
  upper?: number[];
  marks?: SeriesMark[];
}

export interface FrameQueryResult {
  /** Frames in the current view (all frames, or those the display filter keeps). */
  total: number;
  start: number;
  rows: FrameRow[];
}

export type FilterResult =
  | { ok: true; expression: string; total: number }
  /** The error's code and parameters let the UI say it in the user's language (`message` is English). */
  | { ok: false; expression: string; error: { message: string; start: number; end: number; code: string; params: Record<string, string> } };

export interface LoadProgress {
  file: string;
  bytesRead: number;
  totalBytes: number;
  frames: number;
  done: boolean;
  cancelled?: boolean;
  error?: ApiErrorInfo;
}

export type ExperimentVariant = 'classic' | 'server-first' | 'half-close' | 'rst' | 'refused' | 'ipv6';

/** The socket calls an experiment's programs make (Python's names). */
export type ExperimentCall = 'listen' | 'connect' | 'accept' | 'send' | 'recv' | 'shutdown' | 'setsockopt' | 'close';

/** One socket call of an experiment's client or server program, as it happened. */
export interface ExperimentEvent {
  /** Position of the call in the run (0-based). */
  seq: number;
  /** When the call was made (send, connect, close…) or returned (accept, recv): seconds since the epoch. */
  time: number;
  endpoint: 'client' | 'server';
  call: ExperimentCall;
  /** The call as the Python program writes it, e.g. `sock.sendall(b"I'm TCP client")`. */
  text: string;
  /** What it returned or raised, as Python shows it ('' for None). */
  result: string;
  /** The first frame it made its endpoint send, or null (listen, accept, recv; or not captured). */
  frame: number | null;
}

/** Why the experiment ran on another port than the one asked for. */
export interface ExperimentPortNote {
  requested: number;
  used: number;
  reason: 'in_use';
}

export interface ExperimentResult {
  variant: ExperimentVariant;
  frames: number;
  streams: number[];
  /** Where the experiment's capture was saved (autosave). */
  file?: string;
  /** The server port it ran on, and why it differs from the one asked for, if it does. */
  port: number;
  portNote?: ExperimentPortNote;
  events: ExperimentEvent[];
}

export interface StatusSnapshot {
  capture: CaptureStatus;
  counters: Counters;
  /** Frames stored in total, and in the current (filtered) view. */
  total: number;
  viewTotal: number;
  filter: string;
}

/** A lesson in the catalogue: shipped, in the user's lessons folder, or in a folder given to `serve --lessons`. */
export interface LessonSummary {
  id: string;
  title: string;
  summary: string;
  steps: number;
  questions: number;
  /** On a recorded capture, an experiment run on the student's own packets, or a connection the student opens. */
  kind: 'capture' | 'experiment' | 'watch';
  origin: 'shipped' | 'user' | 'folder';
  /** Title and summary in every language lessons are written in (title/summary above: the back end's locale). */
  texts: Record<'en' | 'zh-CN', { title: string; summary: string }>;
  /** The lesson file's name. */
  file: string;
  /** Why the file cannot be opened (the validator's lines: "steps[3].question: problem"); absent when valid. */
  problems?: string[];
  /** This learner's progress in it (absent when never opened). */
  progress?: { step: number; right: number; answered: number; solved: number; questions: number; done: boolean };
}

/**
 * The open lesson as the page may know it: texts and prompts, never an answer (a question's right answer
 * and explanation come in its status once it is answered right, or in teacher mode).
 */
export interface LessonPlay {
  /**
   * The lesson's texts, its steps only up to the open question's (state.shown of them): a later step's
   * text, prompt or frame would tell what comes after the question's segment. Getting the lesson again
   * once the gate has moved on brings the next ones.
   */
  lesson: LessonView;
  /** How many steps the lesson has (the progress display), shown or not yet. */
  stepCount: number;
  /** Each shown step's frame in the loaded capture, and its connection (null: not found in this capture). */
  steps: { frame: number | null; stream: number | null }[];
  /** What could not be resolved or computed in this capture (a live run that went differently), for the shown steps. */
  problems: string[];
  /** A live lesson shows its recorded sample (live capture was not possible here), not the student's own packets. */
  recorded: boolean;
  state: LessonState;
}

export interface QuestionStatus {
  step: number;
  /** The answer could be computed in this capture (a live run may lack a segment: then it is skipped). */
  available: boolean;
  /** The first answer given (the one scored), as the student reads it; whether it was right; the time it took. */
  first: Localized | null;
  firstCorrect: boolean | null;
  timeMs: number | null;
  /** Answered right, first time or later: the lesson goes on past it. */
  solved: boolean;
  /** Once solved (or in teacher mode): the right answer and the explanation. */
  reveal: { answer: Localized; explanation: Localized } | null;
}

/** Where a session is in a lesson, as the back end decides it (grading, gating, progress). */
export interface LessonState {
  id: string;
  step: number;
  /** Teacher mode: navigation free, answers shown, nothing gated or recorded. */
  teacher: boolean;
  /** The step of the first question not answered right yet: a student may not go past it (null: none). */
  gate: number | null;
  /** The last frame this session is sent while the gate holds (null: every frame). */
  horizon: number | null;
  /**
   * What the page masks until the questions not answered yet are answered (null: nothing), up to the
   * horizon only: the page has no frame after it, and the frames later questions ask about would tell.
   */
  mask: Exposure | null;
  /** How many of the lesson's steps the page is sent: up to the gate's (a student's), or all of them. */
  shown: number;
  /** One per shown step (null where the step asks nothing). */
  questions: (QuestionStatus | null)[];
  /** First answers right, questions answered, and questions in the lesson (a skipped one counts as wrong). */
  score: { right: number; answered: number; total: number };
  /** Every question that can be answered here is answered right. */
  done: boolean;
}

/** The back end's grading of an answer: right or not, whether it was the first (recorded and scored), and more. */
export interface AnswerOutcome extends AnswerResult {
  /** The text aimed at this wrong answer (null when right, or when no known mistake matches it). */
  feedback: Localized | null;
  state: LessonState;
}
