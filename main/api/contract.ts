// The one typed contract between the app's back end (Electron main or `handshake-lab serve`) and the renderer.
// Electron IPC (preload) and WebSocket both implement `HandshakeLabApi`; the renderer only ever sees this interface.
import type { ApiMethod, RequestInput } from './requests';
import type {
  AppInfo, CaptureStatus, ConnectionSummary, Counters, EnableCaptureResult, ExperimentEvent, ExperimentResult, FilterResult, FrameDetail,
  FrameQueryResult, FrameRow, LadderPage, LessonPlay, LessonState, LessonSummary, AnswerOutcome, Localized, LoadProgress, NetworkInterface,
  Series, StatusSnapshot, ApiErrorInfo, ClassPolicy, ClassSnapshot, SessionInfo, Share,
} from './types';
import type { EndpointStates, Transition } from '../engine/types';

/** What each request resolves to. */
export interface ApiResults {
  getAppInfo: AppInfo;
  getStatus: StatusSnapshot;
  listInterfaces: NetworkInterface[];
  startCapture: CaptureStatus;
  stopCapture: CaptureStatus;
  openFile: LoadProgress;
  cancelLoad: { cancelled: boolean };
  saveCapture: { path: string; frames: number };
  runExperiment: ExperimentResult;
  getFrames: FrameQueryResult;
  getFrame: FrameDetail;
  indexOfFrame: { index: number };
  setFilter: FilterResult;
  listConnections: ConnectionSummary[];
  getLadder: LadderPage;
  getSeries: Series[];
  listLessons: LessonSummary[];
  openLesson: LoadProgress;
  getLesson: LessonPlay;
  importLesson: LessonSummary;
  getSession: SessionInfo;
  identify: SessionInfo;
  listShared: Share[];
  openShared: LoadProgress;
  share: Share;
  unshare: { removed: boolean };
  setClassPolicy: ClassPolicy;
  getClass: ClassSnapshot;
  exportClassCsv: { name: string; csv: string };
  /** Where the session is in its lesson once it moved (the back end refuses a step past an open question). */
  lessonProgress: LessonState;
  answerQuestion: AnswerOutcome;
  setTeacherMode: { on: boolean };
  /** `capture`: the name the capture on screen will travel with (null: the draft has no usable id yet). */
  checkLesson: { problems: string[]; answers: (Localized | null)[]; capture: string | null };
  previewLesson: LessonPlay;
  saveLesson: LessonSummary;
  closeLesson: { closed: boolean };
  enableCapture: EnableCaptureResult;
}

/** Pushes from the back end. Frame batches come at most ~30 times a second and are bounded in size. */
export interface ApiEvents {
  /** New frames (live capture, experiment or file load). `skipped` frames were not pushed: pull them with getFrames. */
  frames: { rows: FrameRow[]; total: number; skipped: number };
  /** Connections whose counters or states changed. */
  connections: { connections: ConnectionSummary[] };
  /** State changes, as segments arrive, for the state-machine animation (provisional until settled, see statesRevised). */
  transitions: { stream: number; frame: number; states: EndpointStates; transitions: Transition[] }[];
  /**
   * States already pushed or pulled were corrected (DECISIONS: live corrections): a later segment showed when
   * its sender had really received earlier ones. Views re-fetch the stream's frames from `fromFrame` on.
   */
  statesRevised: { stream: number; fromFrame: number }[];
  status: { capture: CaptureStatus; counters: Counters };
  progress: LoadProgress;
  /**
   * An experiment's socket calls so far (all of them, each time one is made, returns or is tied to its
   * frame): the calls of the connection between client port `clientPort` (null until connect returned)
   * and server port `serverPort`.
   */
  experiment: { events: ExperimentEvent[]; serverPort: number; clientPort: number | null };
  /** The frame store was cleared (a new file or capture begins). */
  reset: { reason: 'file' | 'capture' | 'experiment' | 'lesson' };
  error: ApiErrorInfo;
  /** Who this connection is (sent on connect, and when it changes). */
  session: SessionInfo;
  /** The teacher's shares changed. */
  shared: Share[];
  /** The class dashboard changed (teachers only, at most about once a second). */
  classroom: ClassSnapshot;
}

export type ApiEvent = keyof ApiEvents;
export const API_EVENTS: ApiEvent[] = [
  'frames', 'connections', 'transitions', 'statesRevised', 'experiment', 'status', 'progress', 'reset', 'error', 'session', 'shared', 'classroom',
];

export type HandshakeLabApi = {
  [M in ApiMethod]: (params?: RequestInput<M>) => Promise<ApiResults[M]>;
};

/** A connected client: the requests plus event subscription (returns an unsubscribe function). */
export interface HandshakeLabClient extends HandshakeLabApi {
  on<E extends ApiEvent>(event: E, handler: (payload: ApiEvents[E]) => void): () => void;
}

/** The back end's side: what Electron main and `serve` both wrap. */
export interface HandshakeLabService {
  handle<M extends ApiMethod>(method: M, params: unknown, client: ClientContext): Promise<ApiResults[M]>;
}

/** Per-connection context (each WebSocket or window has its own view: filter, push cursor). */
export interface ClientContext {
  id: string;
  emit<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void;
}

/** Error thrown by a request; carries a code the UI translates. */
export class ApiError extends Error {
  constructor(readonly code: ApiErrorInfo['code'], message: string) {
    super(message);
    this.name = 'ApiError';
  }
  toJSON(): ApiErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** IPC channel name of a request or an event (Electron). */
export const ipcChannel = (name: ApiMethod | ApiEvent | 'event'): string => `handshake-lab:${name}`;

/** WebSocket wire messages. */
export type WsRequest = { id: number; method: ApiMethod; params?: unknown };
export type WsResponse = { id: number; result: unknown } | { id: number; error: ApiErrorInfo };
export type WsEvent = { event: ApiEvent; payload: unknown };
