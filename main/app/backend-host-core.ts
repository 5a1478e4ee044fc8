// The back-end host's logic, apart from how it is started: it serves the Service to Electron main over
// one message channel. Each window is a client; its live pushes go out at the Service's pace (~30/s,
// bounded batches) and additionally wait for the page to acknowledge `frames` batches, so a busy page
// is never sent more than it has drawn: the Service then skips and counts, and the page pulls.
import { ApiError, type ApiEvent, type ApiEvents } from '../api/contract';
import type { BackendClient, Service } from '../backend/service';
import type { FromHost, MessageEnd, ToHost } from './backend-protocol';

export interface HostOptions {
  /** `frames` batches a page may have unacknowledged before pushes pause (default 2). */
  maxInFlight?: number;
  /** A page that has not acknowledged for this long gets one more batch anyway (default 2000 ms): a lost ack never freezes the view. */
  stallMs?: number;
  now?: () => number;
  /** Called once the host was told to dispose and has (the process entry exits then). */
  onDisposed?: () => void;
}

interface Flow { inFlight: number; lastSent: number }

export function hostService(end: MessageEnd<FromHost, ToHost>, service: Service, options: HostOptions = {}): void {
  const maxInFlight = options.maxInFlight ?? 2;
  const stallMs = options.stallMs ?? 2000;
  const now = options.now ?? Date.now;
  const flows = new Map<string, Flow>();

  const clientOf = (id: string): BackendClient => {
    let flow = flows.get(id);
    if (!flow) {
      flow = { inFlight: 0, lastSent: 0 };
      flows.set(id, flow);
    }
    const f = flow;
    return {
      id,
      emit<E extends ApiEvent>(event: E, payload: ApiEvents[E]) {
        if (event === 'frames') {
          f.inFlight++;
          f.lastSent = now();
        }
        end.postMessage({ type: 'event', client: id, event, payload });
      },
      canPush: () => f.inFlight < maxInFlight || now() - f.lastSent >= stallMs,
    };
  };

  end.onMessage((msg) => {
    switch (msg.type) {
      case 'request': {
        service.handle(msg.method, msg.params, clientOf(msg.client)).then(
          (result) => end.postMessage({ type: 'response', id: msg.id, result }),
          (e: unknown) => end.postMessage({
            type: 'response', id: msg.id,
            error: e instanceof ApiError ? e.toJSON() : { code: 'internal', message: e instanceof Error ? e.message : String(e) },
          }),
        );
        break;
      }
      case 'attach':
        // A reloaded page keeps its session (its capture, filter, lesson); pushes start afresh.
        flows.delete(msg.client);
        service.reattach(clientOf(msg.client));
        break;
      case 'detach':
        service.detach(msg.client);
        flows.delete(msg.client);
        break;
      case 'ack': {
        const f = flows.get(msg.client);
        if (f && f.inFlight > 0) f.inFlight--;
        break;
      }
      case 'dispose':
        void service.dispose().finally(() => {
          end.postMessage({ type: 'disposed' });
          options.onDisposed?.();
        });
        break;
    }
  });
}
