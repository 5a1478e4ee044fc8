// Messages between Electron main and the back-end host (a utility process running the Service, so
// capture and decoding never block the window). Plain data only: they cross a process boundary.
import type { ApiEvent } from '../api/contract';
import type { ApiMethod } from '../api/requests';
import type { ApiErrorInfo } from '../api/types';

export type ToHost =
  | { type: 'request'; id: number; client: string; method: ApiMethod; params: unknown }
  /** A window's page was (re)loaded: the client starts afresh. */
  | { type: 'attach'; client: string }
  | { type: 'detach'; client: string }
  /** The page's handlers received one `frames` batch (lets the next one go). */
  | { type: 'ack'; client: string }
  | { type: 'dispose' };

export type FromHost =
  | { type: 'ready'; capture: boolean }
  | { type: 'response'; id: number; result: unknown }
  | { type: 'response'; id: number; error: ApiErrorInfo }
  | { type: 'event'; client: string; event: ApiEvent; payload: unknown }
  | { type: 'log'; line: string }
  | { type: 'disposed' };

/** The two ends of a message channel (Electron's UtilityProcess / parentPort, or node's MessagePort in tests). */
export interface MessageEnd<Out, In> {
  postMessage(message: Out): void;
  onMessage(handler: (message: In) => void): void;
}
